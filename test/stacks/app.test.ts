import { App, Testing } from 'cdktf';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPolicies } from '../../policies/check';
import { StackJson } from '../../policies/rules';
import { buildStacks, configSuppressions, synthesizeApp } from '../../stacks/app';
import { resolveEnvs, validEnv } from '../helpers';

const openSsh = () =>
  resolveEnvs([validEnv({ sshSourceRanges: ['0.0.0.0/0'], allowSshFromAnywhere: true })]);

describe('synthesizeApp', () => {
  test('writes one folder per stack: backend, registry and each environment', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'docker-hosts-app-'));
    synthesizeApp(
      Testing.app({ outdir }) as App,
      resolveEnvs([validEnv(), validEnv({ name: 'prod', zone: 'europe-west1-d' })]),
    );
    expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual([
      'backend',
      'prod',
      'registry',
      'stage',
    ]);
  });

  test('SSH from anywhere trips DH1, which only the explicit config flag suppresses, with its reason', () => {
    const config = openSsh();
    const { backend, environments } = buildStacks(Testing.app() as App, config);
    const stacks = [backend, ...environments].map((s) => ({
      name: s.node.id,
      json: s.toTerraform() as StackJson,
    }));
    expect(checkPolicies(stacks).map((f) => `${f.rule} ${f.stack} ${f.address}`)).toEqual([
      'DH1-ssh-not-open-to-world stage google_compute_firewall.firewall_ssh',
    ]);
    expect(configSuppressions(config)).toEqual([
      {
        rule: 'DH1-ssh-not-open-to-world',
        stack: 'stage',
        reason: 'allowSshFromAnywhere is set in config/environments.ts',
      },
    ]);
    expect(checkPolicies(stacks, configSuppressions(config))).toEqual([]);
  });

  test('a policy violation stops the synth before anything is written', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'docker-hosts-app-')), 'cdktf.out');
    const config = openSsh();
    // The world-open range without the explicit opt-in, as a config built around the validation would have it.
    const tampered = {
      ...config,
      environments: config.environments.map((e) => ({ ...e, allowSshFromAnywhere: false })),
    };
    expect(() => synthesizeApp(Testing.app({ outdir }) as App, tampered)).toThrow(
      "policy check failed with 1 finding(s):\n  [DH1-ssh-not-open-to-world] stage: google_compute_firewall.firewall_ssh allows SSH from 0.0.0.0/0 (with the stack's SSH rules: more than one /8, the internet)",
    );
    // cdktf makes the empty folders up front (main.ts removes them again when it made them): no file is written.
    const files = readdirSync(outdir, { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    );
    expect(files).toEqual([]);
  });
});
