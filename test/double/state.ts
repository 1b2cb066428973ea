import { assertEqual } from '../terraform/harness';
import { SynthStack } from '../terraform/synth';
import { terraformAsyncOk } from './apply';
import { Tf } from '../terraform/terraform';
import { DoubleContext } from './context';
import { pathOf } from './operations';
import { bindingLines } from './policies';
import { GoogleDouble } from './server';

/**
 * Resource types the state holds that are parts of another resource (a router's NAT, a disk's snapshot policy
 * attachment), not keys of their own.
 */
const PARTS = new Set([
  'google_compute_router_nat',
  'google_compute_disk_resource_policy_attachment',
]);

/**
 * The environment's resources in the double, as keys: Compute and IAM paths, `project-iam <role> <member>`
 * for the project's service-account bindings, `repo-iam <role> <member>` for the repositories' bindings,
 * `secret-iam <secret> <role> <member>` for the secrets' bindings. Not its image, operations, the registry or the
 * secrets themselves (the operator's).
 */
export function environmentKeys(double: GoogleDouble, project: string): string[] {
  const store = double.store;
  const paths = store
    .paths()
    .filter((p) => p.includes(`/projects/${project}/`))
    .filter((p) => !/\/operations\/|\/images\/|\/repositories\/|\/secrets\/|:policy$/.test(p));
  const projectIam = double
    .projectBindings(project)
    .filter((l) => l.includes('serviceAccount:'))
    .map((l) => `project-iam ${l}`);
  const repoIam = store
    .paths()
    .filter((p) => p.startsWith(`/ar/v1/projects/${project}/`) && p.endsWith(':policy'))
    .flatMap((p) => bindingLines(store.get(p)).map((l) => `repo-iam ${l}`));
  const secretIam = store
    .paths()
    .filter((p) => p.startsWith(`/sm/v1/projects/${project}/secrets/`) && p.endsWith(':policy'))
    .flatMap((p) => {
      const id = p
        .replace(/:policy$/, '')
        .split('/')
        .pop();
      return bindingLines(store.get(p)).map((l) => `secret-iam ${id} ${l}`);
    });
  return [...paths, ...projectIam, ...repoIam, ...secretIam].sort();
}

/** The same keys for every resource in the Terraform state of the stack in `dir` (initialized). */
export async function stateKeys(tf: Tf, dir: string): Promise<string[]> {
  const shown = JSON.parse(await terraformAsyncOk(tf, dir, ['show', '-json']));
  const resources: { type: string; values: Record<string, any> }[] =
    shown.values?.root_module?.resources ?? [];
  return resources
    .filter((r) => !PARTS.has(r.type))
    .map((r) => keyOf(r.type, r.values))
    .sort();
}

function keyOf(type: string, values: Record<string, any>): string {
  if (type === 'google_service_account') return `/iam/v1/${values.name}`;
  if (type === 'google_project_iam_member') return `project-iam ${values.role} ${values.member}`;
  if (type === 'google_artifact_registry_repository_iam_member')
    return `repo-iam ${values.role} ${values.member}`;
  if (type === 'google_secret_manager_secret_iam_member')
    return `secret-iam ${String(values.secret_id).split('/').pop()} ${values.role} ${values.member}`;
  if (typeof values.self_link === 'string') return pathOf(values.self_link);
  throw new Error(`the state's ${type} has no key the double can be checked against`);
}

/** The state holds exactly what the double holds of the environment: nothing lost, nothing extra. */
export async function assertStateMatchesDouble(
  ctx: DoubleContext,
  stack: SynthStack,
  project: string,
) {
  assertEqual(
    await stateKeys(ctx.tf, stack.dir),
    environmentKeys(ctx.double, project),
    'the state against the double',
  );
}
