import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Construct } from 'constructs';

/** What a Docker host needs from Google APIs: write its logs and metrics, nothing else. */
export const HOST_ROLES = ['roles/logging.logWriter', 'roles/monitoring.metricWriter'] as const;

/** OAuth scopes matching HOST_ROLES; no cloud-platform scope. */
export const HOST_SCOPES = [
  'https://www.googleapis.com/auth/logging.write',
  'https://www.googleapis.com/auth/monitoring.write',
] as const;

/**
 * Secret Manager takes no narrower OAuth scope than cloud-platform: hosts that read secrets get it, and what the
 * account may do stays bounded by IAM (HOST_ROLES, the registry reader and secretAccessor on the named secrets).
 */
export const SECRET_MANAGER_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** The hosts' scopes: HOST_SCOPES, and cloud-platform only when they read secrets. */
export function hostScopes(readsSecrets: boolean): string[] {
  return readsSecrets ? [...HOST_SCOPES, SECRET_MANAGER_SCOPE] : [...HOST_SCOPES];
}

export interface HostServiceAccountProps {
  readonly project: string;
  /** Account id: 6-30 lowercase letters, digits and hyphens. */
  readonly accountId: string;
  readonly displayName: string;
  /**
   * Project roles granted to the account.
   * @default HOST_ROLES
   */
  readonly roles?: readonly string[];
}

/** A dedicated, least-privilege service account for the hosts, instead of the default compute account. */
export class HostServiceAccount extends Construct {
  readonly account: ServiceAccount;

  constructor(scope: Construct, id: string, props: HostServiceAccountProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(props.accountId)) {
      throw new Error(
        `HostServiceAccount "${id}": accountId must be 6-30 lowercase letters, digits and hyphens, ` +
          `starting with a letter (got "${props.accountId}")`,
      );
    }
    this.account = new ServiceAccount(this, 'Default', {
      project: props.project,
      accountId: props.accountId,
      displayName: props.displayName,
    });
    for (const role of props.roles ?? HOST_ROLES) {
      // Keyed by role, so adding or removing one never renames the others in state.
      new ProjectIamMember(this, role.replace(/^roles\//, '').replace(/\./g, '-'), {
        project: props.project,
        role,
        member: this.account.member,
      });
    }
  }
}
