import {
  Attributes,
  block,
  isTrue,
  PolicyRule,
  projectRoleGrants,
  resourceRule,
  resourcesOf,
  stacksRule,
  SynthesizedStack,
} from './terraform-json';

/**
 * The service accounts instances of a stack run as: references to a google_service_account of the
 * stack (`google_service_account.<name>`) and literal e-mail addresses.
 */
function hostAccounts(stack: SynthesizedStack): { refs: Set<string>; emails: Set<string> } {
  const refs = new Set<string>();
  const emails = new Set<string>();
  for (const [, attrs] of resourcesOf(stack, 'google_compute_instance')) {
    const email = block(attrs.service_account)?.email;
    if (typeof email !== 'string') continue;
    const ref = /^\$\{(google_service_account\.[A-Za-z0-9_-]+)\.email\}$/.exec(email);
    if (ref) refs.add(ref[1]);
    else emails.add(email);
  }
  return { refs, emails };
}

function membersOf(attrs: Attributes): string[] {
  const list = Array.isArray(attrs.members) ? attrs.members : [attrs.member];
  return list.filter((m): m is string => typeof m === 'string');
}

function isHostMember(member: string, hosts: { refs: Set<string>; emails: Set<string> }): boolean {
  if ([...hosts.refs].some((ref) => member.includes(`\${${ref}.`))) return true;
  return [...hosts.emails].some((email) => member === `serviceAccount:${email}`);
}

const MOST_RECENT_KEPT = (policy: Attributes) =>
  policy.action === 'KEEP' && Number(block(policy.most_recent_versions)?.keep_count) >= 1;

const UNTAGGED_DELETED = (policy: Attributes) => {
  const condition = block(policy.condition);
  return (
    policy.action === 'DELETE' &&
    condition?.tag_state === 'UNTAGGED' &&
    typeof condition.older_than === 'string'
  );
};

function cleanupProblems(attrs: Attributes): string[] {
  const policies = (Array.isArray(attrs.cleanup_policies) ? attrs.cleanup_policies : []).filter(
    (p): p is Attributes => p !== null && typeof p === 'object',
  );
  const problems: string[] = [];
  if (!policies.some(MOST_RECENT_KEPT))
    problems.push('has no KEEP cleanup policy with most_recent_versions');
  if (!policies.some(UNTAGGED_DELETED))
    problems.push('has no DELETE cleanup policy for UNTAGGED versions with older_than');
  if (isTrue(attrs.cleanup_policy_dry_run))
    problems.push('cleanup_policy_dry_run is true (nothing is deleted)');
  return problems;
}

/** Rules for the app's Artifact Registry repository and who may read it. */
export const REGISTRY_RULES: readonly PolicyRule[] = [
  stacksRule(
    'DH10-registry-read-per-repository',
    "The hosts' service account gets Artifact Registry roles on the app's repository only, never project-wide",
    (stacks, report) =>
      stacks.flatMap((stack) => {
        const hosts = hostAccounts(stack);
        return projectRoleGrants(stack, 'roles/artifactregistry.')
          .filter((g) => membersOf(g.attrs).some((m) => isHostMember(m, hosts)))
          .map((g) =>
            report(
              stack,
              g.address,
              `grants ${String(g.attrs.role)} project-wide to the hosts' service account (grant it on the repository)`,
            ),
          );
      }),
  ),
  resourceRule(
    'DH11-registry-cleanup',
    'google_artifact_registry_repository',
    'Repositories have enforced cleanup policies: keep the most recent versions, delete untagged ones after a while',
    cleanupProblems,
  ),
];
