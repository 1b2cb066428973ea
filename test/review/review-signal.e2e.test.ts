/**
 * A signal while `npm run review` synthesizes its base (the git ref, in a temporary worktree): the synth is stopped,
 * the worktree removed, one line, exit 128 + n. The real CLI as a process, in a fixture repository of its own (the
 * tests' config committed): Ctrl-C is the terminal's SIGINT to the whole process group, SIGTERM and SIGHUP go to the
 * review process alone.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_PROJECT } from '../fixtures/project';
import { environmentsTs, fixtureRepo, REPO_ROOT } from '../fixtures/repo';

let repo: string;
beforeAll(() => {
  repo = fixtureRepo(environmentsTs(FIXTURE_PROJECT));
  cpSync(join(REPO_ROOT, 'review'), join(repo, 'review'), { recursive: true });
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: repo,
      stdio: 'pipe',
    });
  git('init', '--quiet');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'fixture');
});

/** The git worktrees of the repository that live under `dir`. */
function worktreesUnder(dir: string): string[] {
  const list = spawnSync('git', ['worktree', 'list', '--porcelain'], {
    cwd: repo,
    encoding: 'utf8',
  }).stdout;
  return list
    .split('\n')
    .filter((l) => l.startsWith('worktree ') && l.slice('worktree '.length).startsWith(dir))
    .map((l) => l.slice('worktree '.length));
}

/** Resolves once the base synth's worktree has its node_modules linked, that is the synth is about to start. */
async function baseSynthStarted(tmp: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    const dirs = readdirSync(tmp).filter((d) => d.startsWith('docker-hosts-review-'));
    if (dirs.some((d) => existsSync(join(tmp, d, 'tree', 'node_modules', 'cdktf')))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the base synth did not start');
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => child.on('close', (code) => done(code)));
}

const tmps: string[] = [];
afterAll(() => [repo, ...tmps].forEach((d) => rmSync(d, { recursive: true, force: true })));

test.each<[NodeJS.Signals, boolean, number]>([
  ['SIGINT', true, 130],
  ['SIGTERM', false, 143],
  ['SIGHUP', false, 129],
])(
  '%s while review synthesizes its base (to the whole group: %s): worktree removed, one line, exit %d',
  async (signal, group, code) => {
    const tmp = mkdtempSync(join(tmpdir(), 'review-signal-'));
    tmps.push(tmp);
    const child = spawn(
      process.execPath,
      ['scripts/run-app.cjs', 'review/cli.ts', '--base', 'HEAD'],
      {
        cwd: repo,
        env: { ...process.env, TMPDIR: tmp },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const done = exited(child);
    await baseSynthStarted(tmp, child);
    process.kill(group ? -child.pid! : child.pid!, signal);
    expect(await done).toBe(code);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `review: interrupted by ${signal}: the synth of the base was stopped and its temporary git worktree removed\n`,
    );
    expect(readdirSync(tmp)).toEqual([]);
    expect(worktreesUnder(tmp)).toEqual([]);
  },
  90_000,
);
