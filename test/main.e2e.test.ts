import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_PROJECT, TEST_KEY } from './fixtures/project';
import { environmentsTs, fixtureRepo, REPO_ROOT } from './fixtures/repo';

const APP: string[] = JSON.parse(readFileSync(join(REPO_ROOT, 'cdktf.json'), 'utf8')).app.split(
  ' ',
);

/** Runs the app command of cdktf.json in `root`, with only the given environment and a throwaway output folder. */
function runMain(root: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'docker-hosts-main-'));
  const outdir = join(dir, 'cdktf.out');
  expect(APP[0]).toBe('node');
  const result = spawnSync(process.execPath, APP.slice(1), {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: dir, CDKTF_OUTDIR: outdir, ...env },
    encoding: 'utf8',
  });
  return { ...result, dir, outdir };
}

/** A fake private key: the body is what must never be echoed. */
const PRIVATE_BODY =
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQ';
const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${PRIVATE_BODY}\n-----END OPENSSH PRIVATE KEY-----\n`;

describe('main.ts as a process', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  // One copy of the sources for the whole file; each test puts its own config/environments.ts in place (the
  // launcher's cache is keyed on content, so each config is the one that runs).
  let repo: string;
  beforeAll(() => {
    repo = fixtureRepo(environmentsTs(FIXTURE_PROJECT));
    dirs.push(repo);
  });
  const withConfig = (spec: unknown) => {
    writeFileSync(join(repo, 'config', 'environments.ts'), environmentsTs(spec));
    return repo;
  };
  const stage = FIXTURE_PROJECT.environments[0];

  test('a misspelt field: one line naming it and the field meant, non-zero exit, nothing written', () => {
    const root = withConfig({ environments: [{ ...stage, hostCount: undefined, hostcount: 3 }] });
    const run = runMain(root);
    dirs.push(run.dir);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'config error: environment "stage": field "hostcount" is not a known field; did you mean "hostCount"?',
    ]);
    expect(existsSync(run.outdir)).toBe(false);
  });

  test('a private key where a public key belongs: refused, and not one line of it is echoed', () => {
    const root = withConfig({ environments: [{ ...stage, ssh: { publicKeys: [PRIVATE_KEY] } }] });
    const run = runMain(root);
    dirs.push(run.dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('field "ssh.publicKeys[0]" is a private key');
    expect(`${run.stdout}${run.stderr}`).not.toContain(PRIVATE_BODY.slice(0, 20));
    expect(existsSync(run.outdir)).toBe(false);
  });

  test('a build context linked out of the repository is refused at synth, nothing written', () => {
    const root = withConfig({
      environments: [{ ...stage, app: { build: { context: 'escape' } } }],
    });
    symlinkSync('/', join(root, 'escape'));
    try {
      const run = runMain(root);
      dirs.push(run.dir);
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([
        'config error: environment "stage": field "app.build.context" must stay inside the repository ' +
          '(got "escape", which a symbolic link takes to "/": docker build would send it to the engine)',
      ]);
      expect(existsSync(run.outdir)).toBe(false);
    } finally {
      unlinkSync(join(root, 'escape'));
    }
  });

  test('a config that throws while loading: one line naming config/environments.ts and the line, nothing written', () => {
    const text = `${environmentsTs(FIXTURE_PROJECT)}if (PROJECT) throw new Error('no projectId in CI');\n`;
    writeFileSync(join(repo, 'config', 'environments.ts'), text);
    const line = text.split('\n').length - 1;
    const run = runMain(repo);
    dirs.push(run.dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: config/environments.ts:${line}:20: no projectId in CI (thrown while loading the modules)\n`,
    );
    expect(existsSync(run.outdir)).toBe(false);
  });

  test('synth is a pure function of the repository: other HOME, other variables, other key files, same bytes', () => {
    // No projectId: today's GOOGLE_PROJECT would have filled it in; now nothing from outside the repo may.
    const root = withConfig({
      ...FIXTURE_PROJECT,
      environments: FIXTURE_PROJECT.environments.map((e) => ({ ...e, projectId: undefined })),
    });
    const home = mkdtempSync(join(tmpdir(), 'docker-hosts-home-'));
    dirs.push(home);
    mkdirSync(join(home, '.ssh'));
    writeFileSync(
      join(home, '.ssh', 'docker-hosts.pub'),
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOther other@host\n',
    );
    const a = runMain(root, {
      GOOGLE_PROJECT: 'someone-elses-project',
      DOCKER_HOSTS_SSH_PUBLIC_KEY: TEST_KEY,
    });
    const b = runMain(root, { HOME: home, USER: 'colleague', CI: 'true' });
    dirs.push(a.dir, b.dir);
    expect([a.status, b.status]).toEqual([0, 0]);
    for (const stack of ['backend', 'stage', 'prod']) {
      const file = join('stacks', stack, 'cdk.tf.json');
      const first = readFileSync(join(a.outdir, file), 'utf8');
      expect(readFileSync(join(b.outdir, file), 'utf8')).toBe(first);
      expect(first).not.toContain('someone-elses-project');
    }
  });

  test('the shipped config/environments.ts synthesizes and passes the policies, whatever environments it has', () => {
    const run = runMain(REPO_ROOT);
    dirs.push(run.dir);
    expect(run.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: '))).toEqual(
      [],
    );
    expect(run.status).toBe(0);
    const stacks = readdirSync(join(run.outdir, 'stacks'));
    expect(stacks).toContain('backend');
    expect(stacks).toContain('registry');
    expect(stacks.length).toBeGreaterThan(2);
    const backend = readFileSync(join(run.outdir, 'stacks', 'backend', 'cdk.tf.json'), 'utf8');
    // No absolute path of this machine leaks into the JSON people review.
    expect(backend).not.toContain(run.dir);
    expect(backend).not.toContain(REPO_ROOT);
    // `cdktf deploy stage` alone must work: no stack may declare a dependency the CLI would demand.
    // With --parallelism 1 the CLI runs stacks in manifest order: backend first.
    const manifest = JSON.parse(readFileSync(join(run.outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks)[0]).toBe('backend');
    for (const s of Object.values(manifest.stacks) as { dependencies: string[] }[])
      expect(s.dependencies).toEqual([]);
  });

  test('a fresh config without a project synthesizes with the placeholder and says so once', () => {
    const root = withConfig({ environments: [{ ...stage, projectId: undefined }] });
    const run = runMain(root);
    dirs.push(run.dir);
    expect(run.status).toBe(0);
    // Under cdktf (CDKTF_OUTDIR set, as here) the note is a `warning:` line on stdout: cdktf logs whatever its app
    // writes on stderr as `[ERROR]`. Run directly, it is on stderr.
    expect(run.stdout.match(/^warning: .*example-project-change-me/gm)).toHaveLength(1);
    expect(run.stderr).not.toContain('example-project-change-me');
    const direct = spawnSync(process.execPath, APP.slice(1), {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: run.dir },
      encoding: 'utf8',
    });
    rmSync(join(root, 'cdktf.out'), { recursive: true, force: true });
    expect(direct.status).toBe(0);
    expect(direct.stderr.match(/^warning: .*example-project-change-me/gm)).toHaveLength(1);
    const backend = JSON.parse(
      readFileSync(join(run.outdir, 'stacks', 'backend', 'cdk.tf.json'), 'utf8'),
    );
    expect(backend.terraform.backend.local.path).toBe('../../../backend.tfstate');
  });
});
