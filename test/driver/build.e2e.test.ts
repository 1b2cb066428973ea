/**
 * The `build` step of `up` for an environment with app.build, against the fake docker and ssh: the tag is the git
 * commit (a dirty tree refused without --allow-dirty), an existing tag is not built again, the build runs on the
 * first host over SSH through the ssh wrapper (or locally with --local), and the hosts step deploys the pushed digest.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  App,
  callLines,
  calls,
  readJson,
  runDriver,
  Sandbox,
  testEnv,
  testSpec,
  sandboxAndAppEach,
} from './harness';
import { PROCESS_TEST_TIMEOUT_MS } from './timeout';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let sb: Sandbox;
let app: App;
let commit: string;
const REPO = 'europe-west1-docker.pkg.dev/test-project-123/docker-hosts/reddit';
const BBBB = `sha256:${'b'.repeat(64)}`;

function git(...args: string[]): string {
  const env = { PATH: process.env.PATH, HOME: sb.home, GIT_CONFIG_NOSYSTEM: '1' };
  const ran = spawnSync('git', args, { cwd: sb.root, env, encoding: 'utf8' });
  if (ran.status !== 0) throw new Error(`git ${args.join(' ')}: ${ran.stderr}`);
  return ran.stdout.trim();
}

sandboxAndAppEach(
  (s, a) => ([sb, app] = [s, a]),
  () => {
    writeFileSync(join(sb.root, '.gitignore'), 'cdktf.out/\n');
    git('init', '-q');
    git(
      '-c',
      'user.email=ops@example.com',
      '-c',
      'user.name=Ops',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'x',
    );
    git('config', 'user.email', 'alice@example.com');
    git('add', '-A');
    git('-c', 'user.name=Ops', 'commit', '-q', '-m', 'the repo');
    commit = git('rev-parse', 'HEAD');
  },
);

const spec = () =>
  testSpec(sb, app.port, { app: { build: { context: 'app', name: 'reddit' }, port: app.port } });
const run = (argv: string[], extra: Record<string, string> = {}) =>
  runDriver(argv, sb, {
    spec: spec(),
    env: testEnv(sb, { FAKE_APP_PORT: String(app.port), ...extra }),
  });
const runDir = () =>
  (readJson(join(sb.runBase, 'stage', 'state.json')) as { lastRun: { up: string } }).lastRun.up;

test('--dry-run shows the build and push commands and the hosts step deploying the release file', async () => {
  const result = await run(['up', 'stage', '--dry-run']);
  expect(result.code).toBe(0);
  expect(result.out).toContain(
    `build: build reddit:${commit} on stage's first host over SSH and push it`,
  );
  expect(result.out).toMatch(
    /<repository>: output environment_registries\["stage"\] of stack registry in \S+\/registry-outputs\.json\n/,
  );
  expect(result.out).toContain(
    `tag exists? $ docker manifest inspect <repository>/reddit:${commit}\n`,
  );
  expect(result.out).toContain(
    `DOCKER_HOST=ssh://<ssh_user>@<first host> docker build --pull --file app/Dockerfile --tag <repository>/reddit:${commit} --label org.opencontainers.image.revision=${commit} app\n`,
  );
  expect(result.out).toMatch(
    /push +\$ PATH=\S+\/bin:\$PATH DOCKER_HOST=ssh:\/\/<ssh_user>@<first host> docker push <repository>\/reddit:/,
  );
  expect(result.out).toMatch(/-e @\S+\/release-vars\.json -u deploy/);
  expect(result.out).toMatch(
    /\[8\/10\] build:.*\n(.*\n)*\[9\/10\] hosts: configure stage hosts and run .*\/reddit@<digest the build step pushed>/,
  );
  expect(calls(sb).filter((c) => c.tool === 'docker')).toEqual([]);
});

test('a build context linked out of the repository is refused before any step, nothing run', async () => {
  symlinkSync('/', join(sb.root, 'escape'));
  const escape = testSpec(sb, app.port, {
    app: { build: { context: 'escape', name: 'reddit' }, port: app.port },
  });
  const env = testEnv(sb, { FAKE_APP_PORT: String(app.port) });
  const result = await runDriver(['up', 'stage'], sb, { spec: escape, env });
  expect(result.code).toBe(2);
  expect(result.err).toContain(
    'config error: environment "stage": field "app.build.context" must stay inside the repository ' +
      '(got "escape", which a symbolic link takes to "/": docker build would send it to the engine)\n',
  );
  expect(calls(sb)).toEqual([]);
});

test('a dirty tree: a dry run previews it (with the refusal as a note), a real run refuses with one line; --allow-dirty tags <commit>-dirty', async () => {
  writeFileSync(join(sb.root, 'main.ts'), '// changed\n');
  const refusal = `the working tree has 1 uncommitted change(s) (first: "M main.ts"): commit them, or pass --allow-dirty to push a "${commit}-dirty" image`;
  const preview = await run(['up', 'stage', '--dry-run']);
  expect([preview.code, preview.err]).toEqual([0, '']);
  expect(preview.out).toContain(`build reddit:${commit}-dirty`);
  expect(preview.out).toContain(`note: a real run refuses this tree: ${refusal}\n`);
  const refused = await run(['up', 'stage', '--auto-approve']);
  expect(refused.code).toBe(2);
  expect(refused.err).toBe(`error: ${refusal}\n`);
  expect(calls(sb)).toEqual([]);
  const allowed = await run(['up', 'stage', '--dry-run', '--allow-dirty']);
  expect(allowed.code).toBe(0);
  expect(allowed.out).toContain(`build reddit:${commit}-dirty`);
  expect(allowed.out).not.toContain('a real run refuses');
});

test('up builds on the first host through the ssh wrapper, pushes, and deploys by the pushed digest', async () => {
  const result = await run(['up', 'stage', '--auto-approve', '--skip-image']);
  expect(result.code).toBe(0);
  const dir = runDir();
  // The review before anything runs says what the build step does and what the hosts will run.
  expect(result.out).toContain(
    `build: build reddit:${commit} on stage's first host over SSH and push it\n`,
  );
  expect(result.out).toContain(`hosts: every host runs ${REPO}@<the digest pushed>\n`);
  const docker = callLines(sb).filter((l) => l.startsWith('docker '));
  expect(docker).toEqual([
    `docker manifest inspect ${REPO}:${commit}`,
    `docker build --pull --file app/Dockerfile --tag ${REPO}:${commit} --label org.opencontainers.image.revision=${commit} app`,
    `docker push ${REPO}:${commit}`,
  ]);
  const env = readFileSync(`${sb.log}.docker-env`, 'utf8').split('\n');
  expect(env[0]).toBe(`DOCKER_HOST= ssh=${dir}/bin/ssh`); // the registry question: the CLI alone, no engine
  expect(env[1]).toBe(`DOCKER_HOST=ssh://deploy@127.0.0.1 ssh=${dir}/bin/ssh`);
  const wrapper = readFileSync(join(dir, 'bin', 'ssh'), 'utf8');
  expect(wrapper).toContain(
    `-o UserKnownHostsFile=${sb.runBase}/stage/known_hosts -o HostKeyAlias=docker-host-001-70000000000000001`,
  );
  expect(readJson(join(dir, 'release.json'))).toEqual({
    ...{
      image: `${REPO}@${BBBB}`,
      commit,
      tag: commit,
      reference: `${REPO}:${commit}`,
      built: true,
    },
  });
  expect(readJson(join(dir, 'release-vars.json'))).toEqual({
    app_image: `${REPO}@${BBBB}`,
    app_release_commit: commit,
  });
  expect(readJson(join(dir, 'app-vars.json'))).toMatchObject({
    app_release_who: { __ansible_unsafe: 'alice@example.com' },
    app_release_commit: commit,
  });
  const hosts = calls(sb).find(
    (c) => c.tool === 'ansible-playbook' && c.args.includes('playbooks/site.yml'),
  );
  expect(hosts?.args).toEqual(expect.arrayContaining(['-e', `@${dir}/release-vars.json`]));
});

test('a tag already in the registry is not built again: its digest is read and deployed', async () => {
  const result = await run(['up', 'stage', '--auto-approve', '--skip-image', '--local'], {
    FAKE_TAG_EXISTS: '1',
  });
  expect(result.code).toBe(0);
  expect(callLines(sb).filter((l) => l.startsWith('docker '))).toEqual([
    `docker manifest inspect ${REPO}:${commit}`,
    `docker buildx imagetools inspect ${REPO}:${commit}`,
  ]);
  expect(readJson(join(runDir(), 'release.json'))).toMatchObject({
    image: `${REPO}@sha256:${'a'.repeat(64)}`,
    built: false,
  });
});

test('--local builds with the local engine (no DOCKER_HOST); a failed build stops before hosts', async () => {
  const result = await run(['up', 'stage', '--auto-approve', '--skip-image', '--local'], {
    FAKE_FAIL: 'docker build',
  });
  expect(result.code).toBe(1);
  expect(result.err).toContain('Step "build" failed');
  expect(result.err).toContain('docker build failed (exit 3)');
  expect(readFileSync(`${sb.log}.docker-env`, 'utf8')).not.toContain('DOCKER_HOST=ssh');
  expect(
    calls(sb).some((c) => c.tool === 'ansible-playbook' && c.args.includes('playbooks/site.yml')),
  ).toBe(false);
});

test('build-arg values are shown by name only: not in the dry run, the output or any file of the run', async () => {
  const value = 'zq-build-arg-value-7';
  const withArg = testSpec(sb, app.port, {
    app: {
      build: { context: 'app', name: 'reddit', buildArgs: { RUBY_VERSION: value } },
      port: app.port,
    },
  });
  const env = testEnv(sb, { FAKE_APP_PORT: String(app.port) });
  const dry = await runDriver(['up', 'stage', '--dry-run'], sb, { spec: withArg, env });
  expect(dry.code).toBe(0);
  expect(dry.out).toContain("--build-arg 'RUBY_VERSION=…'");
  const real = await runDriver(['up', 'stage', '--auto-approve', '--skip-image'], sb, {
    spec: withArg,
    env,
  });
  expect(real.code).toBe(0);
  // docker itself got the value (the build needs it); nothing the driver printed or wrote keeps it.
  expect(callLines(sb).some((l) => l.includes(`RUBY_VERSION=${value}`))).toBe(true);
  expect(`${dry.out}${dry.err}${real.out}${real.err}`).not.toContain(value);
  const grep = (text: string) =>
    spawnSync('grep', ['-rlF', '-e', text, sb.runBase], { encoding: 'utf8' }).stdout;
  // The build step's log holds the build command line, by its name only.
  expect(grep("--build-arg 'RUBY_VERSION=…'")).not.toBe('');
  expect(grep(value)).toBe('');
});

test('build <env> and push <env> are the build step alone: a dry run shows build and push, no other step', async () => {
  for (const command of ['build', 'push']) {
    const result = await run([command, 'stage', '--dry-run']);
    expect([result.code, result.err]).toEqual([0, '']);
    expect(result.out).toContain(
      `build: build reddit:${commit} on stage's first host over SSH and push it`,
    );
    expect(result.out).toContain('Plan for "up stage": 2 of 10 steps');
    expect(result.out).toMatch(/\[1\/2\] preflight:.*\n(.*\n)*\[2\/2\] build:/);
    expect(result.out).toContain('[-] hosts:');
  }
  expect(calls(sb)).toEqual([]);
});
