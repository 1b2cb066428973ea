import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The app role's guard against two accessories of one host on one address of the app's network (their addresses
 * come from a hash of their names, accessory.yml): the task as accessories.yml has it, read by PyYAML, run by
 * ansible-playbook locally with the role's own offsets. No host is contacted.
 */
const ROLE = resolve(__dirname, '../../ansible/roles/app');
const TASK = 'Refuse two accessories of this host on one address of the app\'s network';

const dir = mkdtempSync(join(tmpdir(), 'accessory-addresses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function yamlJson(file: string): unknown {
  const script = 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))';
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }));
}

/** Runs the guard on `localhost` with these accessories; the exit code and Ansible's output. */
function guard(accessories: Record<string, { host: string }>): { code: number; out: string } {
  const tasks = yamlJson(join(ROLE, 'tasks/accessories.yml')) as { name: string }[];
  const task = tasks.find((t) => t.name === TASK);
  if (task === undefined) throw new Error(`no task "${TASK}" in accessories.yml`);
  const defaults = yamlJson(join(ROLE, 'defaults/main.yml')) as Record<string, unknown>;
  const play = [
    {
      hosts: 'localhost',
      gather_facts: false,
      vars: {
        app_network: defaults.app_network,
        accessory_address_offsets: defaults.accessory_address_offsets,
      },
      tasks: [task],
    },
  ];
  const playbook = join(dir, 'play.json');
  writeFileSync(playbook, JSON.stringify(play));
  const result = spawnSync(
    'ansible-playbook',
    ['-i', 'localhost,', '-c', 'local', playbook, '-e', JSON.stringify({ accessories })],
    { encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } },
  );
  return { code: result.status ?? -1, out: `${result.stdout}${result.stderr}` };
}

describe('accessories.yml: one address per accessory of a host', () => {
  test('names whose hashes differ pass; the same clash on two hosts passes', () => {
    expect(guard({ mongo: { host: 'localhost' }, redis: { host: 'localhost' } }).code).toBe(0);
    // a5 and a8 fall on one offset of the role's range (sha256, first 8 hex digits, modulo its span).
    expect(guard({ a5: { host: 'localhost' }, a8: { host: 'docker-host-002' } }).code).toBe(0);
  });

  test('two accessories of one host on one address: refused, both named', () => {
    const { code, out } = guard({ a5: { host: 'localhost' }, a8: { host: 'localhost' } });
    expect(code).toBe(2);
    expect(out).toContain(
      'the accessories of localhost (a5, a8) take their addresses on docker-hosts-app from a hash of their names, and two of them fall on the same one: rename one',
    );
  });
});
