import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EnvironmentSpec, resolveProject, RolloutSpec } from '../../config';
import { ansiblePlaybook } from '../../driver/plan/tools';
import { TEST_KEY, TEST_PROJECT } from '../helpers';

/**
 * site.yml's rolling play, as Ansible batches it: the play's own keywords (serial, max_fail_percentage, ...) read
 * from the playbook by PyYAML (Ansible's own loader), its role swapped for a probe that says which batch it is in
 * and fails on one chosen host; the extra vars and forks are what the driver's hosts step passes. Local connection,
 * no host is contacted.
 */
const SITE = resolve(__dirname, '../../ansible/playbooks/site.yml');
const SWAP_PLAY = 'Deploy the app';

const dir = mkdtempSync(join(tmpdir(), 'rollout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The swap play's keywords, without its role and without `become` (the probe runs locally, as this user). */
function swapPlayKeywords(): Record<string, unknown> {
  const json = execFileSync(
    'python3',
    ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', SITE],
    { encoding: 'utf8' },
  );
  const play = (JSON.parse(json) as Record<string, unknown>[]).find((p) => p.name === SWAP_PLAY);
  if (play === undefined) throw new Error(`no play "${SWAP_PLAY}" in ${SITE}`);
  const { roles, become, ...keywords } = play;
  expect([roles, become]).toEqual([[{ role: 'app' }], true]);
  return keywords;
}

function environment(hostCount: number, rollout?: RolloutSpec) {
  const spec: EnvironmentSpec = {
    name: 'stage',
    projectId: TEST_PROJECT,
    region: 'europe-west1',
    zone: 'europe-west1-b',
    hostCount,
    ssh: { publicKeys: [TEST_KEY] },
    ...(rollout && { rollout }),
  };
  return resolveProject({ environments: [spec] }, { home: '/home/ops' }).environments[0];
}

interface Rollout {
  readonly code: number;
  /** The hosts of each batch, in order. */
  readonly batches: string[][];
  /** The hosts the probe switched to the new release (after its health gate). */
  readonly swapped: string[];
}

/** Runs the probe play over `hostCount` local hosts with the hosts step's app vars and forks. */
function roll(hostCount: number, rollout?: RolloutSpec, failOn = ''): Rollout {
  const env = environment(hostCount, rollout);
  const step = ansiblePlaybook(
    { root: '/repo', runDir: join(dir, 'run'), cdktf: 'cdktf', node: 'node' },
    env,
  );
  const vars = join(dir, 'app-vars.json');
  writeFileSync(vars, step.writes![0].content);
  const inventory = join(dir, 'inventory.json');
  const local = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
  const hosts = Object.fromEntries(env.hostNames.map((h) => [h, local]));
  writeFileSync(inventory, JSON.stringify({ all: { children: { docker_hosts: { hosts } } } }));
  const playbook = join(dir, 'swap.json');
  // As roles/app/tasks/swap.yml: the new release's health gate, then the switch.
  const tasks = [
    { name: 'batch', 'ansible.builtin.debug': { msg: "BATCH {{ ansible_play_batch | join(',') }}" } },
    {
      name: 'health gate',
      'ansible.builtin.fail': { msg: 'unhealthy' },
      when: `inventory_hostname == '${failOn}'`,
    },
    { name: 'switch', 'ansible.builtin.debug': { msg: 'SWAPPED {{ inventory_hostname }}' } },
  ];
  writeFileSync(playbook, JSON.stringify([{ ...swapPlayKeywords(), tasks }]));
  const forks = step.args.slice(step.args.indexOf('--forks'));
  const run = spawnSync('ansible-playbook', ['-i', inventory, playbook, '-e', `@${vars}`, ...forks], {
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: 'False' },
  });
  const batches = [...new Set(run.stdout.match(/BATCH [^"\n]+/g) ?? [])].map((m) =>
    m.slice('BATCH '.length).split(','),
  );
  const swapped = (run.stdout.match(/SWAPPED [^"\n]+/g) ?? []).map((m) => m.slice(8));
  return { code: run.status ?? -1, batches, swapped };
}

const names = (...numbers: number[]) => numbers.map((n) => `docker-host-${String(n).padStart(3, '0')}`);

describe("site.yml's swap play, batched by Ansible from the environment's rollout", () => {
  test('defaults on 10 hosts: the canary alone, then 25 % (2 hosts) at a time', () => {
    const result = roll(10);
    expect(result.code).toBe(0);
    expect(result.batches).toEqual([
      names(1),
      names(2, 3),
      names(4, 5),
      names(6, 7),
      names(8, 9),
      names(10),
    ]);
    expect(result.swapped.sort()).toEqual(names(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
  });

  test('canary 2, batch 3 on 8 hosts', () => {
    const result = roll(8, { canary: 2, batch: 3 });
    expect([result.code, result.batches]).toEqual([0, [names(1, 2), names(3, 4, 5), names(6, 7, 8)]]);
  });

  test('a failing canary stops the rollout: no other host is touched', () => {
    const result = roll(6, undefined, 'docker-host-001');
    expect(result.code).not.toBe(0);
    expect([result.batches, result.swapped]).toEqual([[names(1)], []]);
  });

  test('a failure in a later batch stops it there: that batch is not switched, later batches untouched', () => {
    const result = roll(10, { canary: 1, batch: 3 }, 'docker-host-003');
    expect(result.code).not.toBe(0);
    expect(result.batches).toEqual([names(1), names(2, 3, 4)]);
    // max_fail_percentage 0: the failed host's batch mates stop with it, before their switch.
    expect(result.swapped).toEqual(names(1));
  });
});
