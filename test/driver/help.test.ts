/** The driver explains itself: `help [command]`, `<command> --help`, `--version`, and the usage when run bare. */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, helpText, OPTIONS } from '../../driver/usage';
import { calls, makeSandbox, REPO_ROOT, runDriver, Sandbox } from './harness';

let sb: Sandbox;
beforeEach(() => (sb = makeSandbox()));
afterEach(() => sb.cleanup());

const ENVS = ['stage', 'prod'];

test('run bare: the usage on stderr (every command, the environments, where help is), exit 2, nothing run', async () => {
  const result = await runDriver([], sb);
  expect([result.code, result.out]).toEqual([2, '']);
  const lines = result.err.split('\n');
  expect(lines[0]).toBe(
    'usage: npx docker-hosts <command> <env> [options]   (the command defaults to up)',
  );
  for (const command of COMMANDS)
    expect(lines.some((l) => l.startsWith(`  ${command} `))).toBe(true);
  expect(result.err).toContain('environments: stage, prod\n');
  expect(result.err).toContain(
    'help: npx docker-hosts help [command], npx docker-hosts <command> --help',
  );
  expect(calls(sb)).toEqual([]);
});

test('help: the whole help, as --help gives it', async () => {
  const [help, dashed] = [await runDriver(['help'], sb), await runDriver(['--help'], sb)];
  expect([help.code, help.out, help.err]).toEqual([0, helpText(ENVS), '']);
  expect(dashed.out).toBe(help.out);
  expect(help.out).toContain('npx docker-hosts help <command>, or <command> --help');
});

test.each(COMMANDS.map((c) => [c, c]))(
  'help %s and %s --help: its usage, what it does, only its options, its exit codes, an example',
  async (command: string) => {
    const help = await runDriver(['help', command], sb);
    const dashed = await runDriver(
      command === 'lock' ? ['lock', 'status', '--help'] : [command, '--help'],
      sb,
    );
    expect([help.code, dashed.code, dashed.out]).toEqual([0, 0, help.out]);
    const lines = help.out.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^usage: npx docker-hosts ${command} \\S`));
    for (const [name, spec] of Object.entries(OPTIONS)) {
      const applies = (spec.commands as readonly string[]).includes(command);
      expect([name, lines.some((l) => new RegExp(`^  (-\\w, |    )--${name}\\b`).test(l))]).toEqual(
        [name, applies],
      );
    }
    expect(help.out).toMatch(
      /^exit codes: 0 ok, 1 failed .*, 2 bad usage or config, .*130 interrupted/m,
    );
    expect(help.out).toMatch(
      new RegExp(`^example: (eval "\\$\\()?npx docker-hosts ${command} (status )?stage`, 'm'),
    );
  },
);

test('the exit codes a command adds: status 6, drift 6 and 7, up 3 and 4', async () => {
  const exits = async (command: string) =>
    (await runDriver(['help', command], sb)).out.match(/^exit codes: .*$/m)![0];
  expect(await exits('status')).toContain('6 a host unreachable or its app not answering');
  expect(await exits('drift')).toContain('6 a host could not be checked, 7 drift found');
  expect(await exits('up')).toContain(
    '3 a lock is held (the lock message names its holder), 4 changes not approved',
  );
  expect(await exits('ssh')).not.toContain(' 6 ');
});

test('help of an unknown command: the closest one, exit 2', async () => {
  const result = await runDriver(['help', 'stauts'], sb);
  expect([result.code, result.out]).toEqual([2, '']);
  expect(result.err).toBe(
    `error: unknown command "stauts" (did you mean status?); commands are: ${COMMANDS.join(', ')}\n`,
  );
});

test('--version: the package name and version, exit 0', async () => {
  copyFileSync(join(REPO_ROOT, 'package.json'), join(sb.root, 'package.json'));
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  const result = await runDriver(['--version'], sb);
  expect([result.code, result.out, result.err]).toEqual([0, `docker-hosts ${version}\n`, '']);
});

test("README's command reference: every command, with the exit codes its help gives", async () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('| command | what it does | exit codes it adds |'));
  const rows = section.split('\n').slice(2);
  const table = rows.slice(
    0,
    rows.findIndex((l) => !l.startsWith('|')),
  );
  const listed = table.map((row) => {
    const [, first, , exits] = row.split(/(?<!\\)\|/);
    const codes = [...exits.matchAll(/`(\d+)`/g)].map((m) => Number(m[1]));
    return [/`(\w+)/.exec(first)![1], codes];
  });
  const fromHelp = await Promise.all(
    COMMANDS.map(async (command) => {
      const line = (await runDriver(['help', command], sb)).out.match(/^exit codes: (.*)$/m)![1];
      const codes = [...line.matchAll(/(?:^|, )(\d+) /g)].map((m) => Number(m[1]));
      return [command, codes.filter((c) => ![0, 1, 2, 130, 129, 143].includes(c))];
    }),
  );
  expect(listed).toEqual(fromHelp);
});
