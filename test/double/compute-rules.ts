import { ApiError } from './errors';
import { pathOf } from './operations';
import { Store } from './store';

/**
 * Compute's JSON leaves out empty messages: a block the provider sends as `{}` (a group's
 * `instanceFlexibilityPolicy`) reads back as absent.
 */
export function dropEmptyMessages(res: Record<string, any>): void {
  for (const [key, value] of Object.entries(res)) if (isEmptyMessage(value)) delete res[key];
}

function isEmptyMessage(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 0
  );
}

/**
 * Compute refuses to delete an instance template a managed instance group still runs (its versions name it), as
 * Google does with `resourceInUseByAnotherResource`: what makes a template's create-before-destroy matter.
 */
export function refuseTemplateInUse(store: Store, link: string): void {
  if (!/\/instanceTemplates\/[^/]+$/.test(link)) return;
  const path = pathOf(link);
  const named = path.slice(path.indexOf('/projects/'));
  const user = store
    .paths()
    .filter((p) => p.includes('/instanceGroupManagers/'))
    .find((p) =>
      (store.get(p)?.versions ?? []).some((v: any) => String(v.instanceTemplate).endsWith(named)),
    );
  if (user)
    throw new ApiError(
      400,
      `The instance_template resource '${path}' is already being used by '${user}'`,
      'FAILED_PRECONDITION',
      'resourceInUseByAnotherResource',
    );
}
