import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { Construct } from 'constructs';

/** The one role that reads a secret's versions (its payload), and nothing else. */
export const SECRET_ACCESSOR_ROLE = 'roles/secretmanager.secretAccessor';

export interface SecretAccessProps {
  readonly project: string;
  /** Secret Manager secret ids in `project`. */
  readonly secrets: readonly string[];
  /** The hosts' own service account, as an IAM member (`serviceAccount:…`). */
  readonly member: string;
}

/**
 * Read access for the hosts' service account on exactly the named secrets, one grant per secret (never a project
 * role): the host reads a value at deploy time with its metadata token, and the value never passes through
 * Terraform. The secrets themselves (and their versions) are the operator's: created with gcloud, never in state.
 */
export class SecretAccess extends Construct {
  readonly grants: readonly SecretManagerSecretIamMember[];

  constructor(scope: Construct, id: string, props: SecretAccessProps) {
    super(scope, id);
    const ids = [...new Set(props.secrets)].sort();
    // Keyed by secret id, so adding or removing one never renames the others in state.
    this.grants = ids.map(
      (secret) =>
        new SecretManagerSecretIamMember(this, secret, {
          project: props.project,
          secretId: secret,
          role: SECRET_ACCESSOR_ROLE,
          member: props.member,
        }),
    );
  }
}
