import { checkPolicies } from '../../policies/check';
import { RULES, SynthesizedStack } from '../../policies/rules';
import { environmentJson, resolveEnvs, validEnv } from '../helpers';
import { EnvironmentSpec } from '../../config';
import { configSuppressions } from '../../stacks/app';

/** The synthesized stack of a three-host environment with these fields, for the rules to read. */
function stackOf(patch: Partial<EnvironmentSpec>): SynthesizedStack {
  return { name: 'stage', json: environmentJson({ hostCount: 3, ...patch }) };
}

const DATA: Partial<EnvironmentSpec> = {
  deletionProtection: true,
  app: { secrets: { DB_PASSWORD: 'db-password' } },
  accessories: { mongo: { image: 'mongo:4.4', port: 27017, volumes: ['mongo:/data/db'] } },
  dataDisk: { sizeGb: 10, hosts: ['docker-host-001'] },
};

/** The findings of one rule on the stack after `edit` changed its JSON. */
function findings(id: string, edit: (json: any) => void = () => {}): string[] {
  const { json } = stackOf(DATA);
  edit(json);
  const rule = RULES.filter((r) => r.id === id);
  expect(rule).toHaveLength(1);
  return checkPolicies([{ name: 'stage', json }], [], rule).map((f) => `${f.address} ${f.message}`);
}

const first = (json: any, type: string) => Object.values(json.resource[type])[0] as any;

describe('the data and secrets rules', () => {
  test('the stack the config makes passes every rule', () => {
    expect(checkPolicies([stackOf(DATA)])).toEqual([]);
  });

  test('DH19: a grant to another account, another role, a wildcard, or a project role fails', () => {
    expect(findings('DH19-secret-access-named')).toEqual([]);
    expect(
      findings('DH19-secret-access-named', (j) => {
        first(j, 'google_secret_manager_secret_iam_member').member = 'user:someone@example.com';
      }),
    ).toEqual([
      expect.stringContaining(
        "grants to user:someone@example.com, not the hosts' own service account",
      ),
    ]);
    expect(
      findings('DH19-secret-access-named', (j) => {
        first(j, 'google_secret_manager_secret_iam_member').role = 'roles/secretmanager.admin';
      }),
    ).toEqual([
      expect.stringContaining('grants roles/secretmanager.admin: the hosts may only read'),
    ]);
    expect(
      findings('DH19-secret-access-named', (j) => {
        first(j, 'google_secret_manager_secret_iam_member').secret_id = 'projects/p/secrets/*';
      }),
    ).toEqual([expect.stringContaining('not one secret by its id')]);
    expect(
      findings('DH19-secret-access-named', (j) => {
        j.resource.google_project_iam_member.extra = {
          project: 'p',
          role: 'roles/secretmanager.secretAccessor',
          member: 'x',
        };
      }),
    ).toEqual([
      'google_project_iam_member.extra grants roles/secretmanager.secretAccessor on the whole project',
    ]);
  });

  test('DH20: a data disk on a host without deletion protection fails; the config says why when it is meant', () => {
    expect(findings('DH20-data-disks-protected')).toEqual([]);
    expect(
      findings('DH20-data-disks-protected', (j) => {
        first(j, 'google_compute_instance').deletion_protection = false;
      }),
    ).toEqual([expect.stringContaining('is not attached to a host with deletion_protection on')]);
    const config = resolveEnvs([validEnv({ hostCount: 3, ...DATA, deletionProtection: false })]);
    expect(configSuppressions(config)).toEqual([
      expect.objectContaining({ rule: 'DH20-data-disks-protected', stack: 'stage' }),
    ]);
  });

  test('DH21: an accessory port open to 0.0.0.0/0 fails', () => {
    expect(findings('DH21-internal-ports-not-public')).toEqual([]);
    const found = findings('DH21-internal-ports-not-public', (j) => {
      const app = Object.values(j.resource.google_compute_firewall).find((r: any) =>
        r.name.endsWith('allow-app'),
      ) as any;
      app.allow = [{ protocol: 'tcp', ports: ['9292', '27017'] }];
    });
    expect(found).toEqual([
      expect.stringContaining('opens the fleet-internal port(s) 27017 to the internet'),
    ]);
  });

  test('DH4: cloud-platform scope passes only with secret grants and no project role beyond the hosts own', () => {
    expect(findings('DH4-dedicated-service-account')).toEqual([]);
    const noSecrets = findings('DH4-dedicated-service-account', (j) => {
      delete j.resource.google_secret_manager_secret_iam_member;
    });
    expect(noSecrets).toHaveLength(3);
    expect(noSecrets[0]).toContain('has the cloud-platform scope');
    const broadRole = findings('DH4-dedicated-service-account', (j) => {
      j.resource.google_project_iam_member.extra = {
        project: 'p',
        role: 'roles/editor',
        member: 'x',
      };
    });
    expect(broadRole).toHaveLength(3);
  });
});
