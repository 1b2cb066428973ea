/**
 * npm run test:driver-real: the driver's plan path with no fake Terraform, cdktf or packer. A project copy
 * (test/fixtures/repo.ts) in the real project id REAL_PROJECT; Terraform 1.5.7 and Packer 1.9.5 from
 * .ci/tools.sh, cdktf from node_modules, the Google provider from the offline mirror, the state bucket on
 * fake-gcs-server, a static token, and HTTPS_PROXY on a closed loopback port: every other Google call fails at once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, GcsEmulator } from '../terraform/emulator';
import { offlineDriverEnv, realHome, realRepo, realTools, REAL_PROJECT } from './setup';

interface Run {
  readonly code: number;
  readonly out: string;
}

const BUCKET = `${REAL_PROJECT}-tfstate`;
let failures = 0;
let passes = 0;

function check(what: string, ok: boolean, detail = ''): void {
  if (ok) {
    passes++;
    console.log(`PASS: ${what}`);
  } else {
    failures++;
    console.log(`FAIL: ${what}${detail ? `\n${detail}` : ''}`);
  }
}

/**
 * Runs the driver to completion. With `answer`, on a terminal (util-linux `script` gives it a pty): the answer
 * is typed at the approval prompt.
 */
function driver(repo: string, env: NodeJS.ProcessEnv, args: string[], answer?: string): Run {
  const t = Date.now();
  const argv = ['scripts/run-app.cjs', 'driver/cli.ts', ...args];
  const [command, commandArgs] =
    answer === undefined
      ? ['node', argv]
      : ['script', ['-qec', ['node', ...argv].join(' '), '/dev/null']];
  const input = answer === undefined ? '' : `${answer}\n`;
  const r = spawnSync(command, commandArgs, {
    cwd: repo,
    env,
    input,
    encoding: 'utf8',
    timeout: 600_000,
  });
  console.log(
    `  (driver ${args.join(' ')}: exit ${r.status}, ${((Date.now() - t) / 1000).toFixed(1)} s)`,
  );
  // A pty ends lines with CRLF.
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`.replace(/\r\n/g, '\n') };
}

/** The summary a user sees: the plan output without the run folder's timestamped lines. */
function summary(out: string): string {
  return out
    .split('\n')
    .filter((l) => !/\.run\/stage\/\d{8}T|^\s+\(driver /.test(l))
    .join('\n')
    .trim();
}

/**
 * The saved-plan contract with the real tools: a second real synth, init and state pull match what `plan` recorded
 * (so `up --plan` is not stale by itself), and the summary shown is the saved plans'; `validate` runs offline.
 */
function proveSavedPlan(repo: string, env: NodeJS.ProcessEnv, plan: Run): void {
  const dir = /apply exactly these plans: .* --plan (\S+)/.exec(plan.out)?.[1] ?? '';
  check('plan stage prints the line that applies its saved plans', dir !== '', plan.out);
  const saved = driver(repo, env, ['up', 'stage', '--skip-image', '--plan', dir], 'no');
  check(
    'up --plan of a fresh plan is not stale: asked, answered "no", exit 4',
    saved.code === 4,
    saved.out,
  );
  check(
    "up --plan shows the saved plans' summary",
    saved.out.includes('stage: 9 to add, 0 to change') && !saved.out.includes('terraform plan'),
    saved.out,
  );
  // A config edit after the plan (stage's machine type): the real synth's stack JSON differs, so it is stale.
  const config = join(repo, 'config', 'environments.ts');
  const original = readFileSync(config, 'utf8');
  writeFileSync(config, original.replace('"e2-small"', '"e2-medium"'));
  const argv = ['up', 'stage', '--skip-image', '--auto-approve', '--plan', dir];
  const stale = driver(repo, env, argv);
  writeFileSync(config, original);
  check(
    'config edited since the plan: up --plan refused in one line, exit 5, nothing applied',
    stale.code === 5 &&
      /error: the saved plans in .* are stale \(stage: the synthesized config changed\): nothing was applied; plan again: npx docker-hosts plan stage\n/.test(
        stale.out,
      ) &&
      !stale.out.includes('[2/'),
    stale.out,
  );
  const detailed = driver(repo, env, ['plan', 'stage', '--detailed-exitcode']);
  check('plan --detailed-exitcode with changes exits 2', detailed.code === 2, detailed.out);
  const valid = driver(repo, env, ['validate', 'stage']);
  check(
    'validate stage: synth, init -backend=false and validate of 3 stacks, exit 0',
    valid.code === 0 && valid.out.includes('stage: terraform validate ok'),
    valid.out,
  );
}

async function proveUp(repo: string, env: NodeJS.ProcessEnv, gcs: GcsEmulator): Promise<void> {
  const plan = driver(repo, env, ['plan', 'stage']);
  check('plan stage exits 0 with real plans', plan.code === 0, plan.out);
  proveSavedPlan(repo, env, plan);
  check(
    'plan stage: 9 creates in stage',
    plan.out.includes('stage: 9 to add, 0 to change'),
    plan.out,
  );
  const shown = summary(plan.out.slice(0, plan.out.indexOf('planning stage')));
  const refused = driver(repo, env, ['up', 'stage', '--skip-image'], 'no');
  check('up stage answered "no" exits 4 (refused)', refused.code === 4, refused.out);
  check(
    'up stage asked on the terminal',
    refused.out.includes('Apply these changes to stage? [y/N]'),
    refused.out,
  );
  check(
    'up stage applied nothing',
    refused.out.includes('nothing was applied') && !refused.out.includes('[2/7]'),
  );
  check(
    'up stage shows the same summary as plan stage',
    summary(refused.out).includes(shown),
    refused.out,
  );
  const objectsBefore = await gcs.list(BUCKET);
  const up = driver(repo, env, ['up', 'stage', '--skip-image', '--auto-approve']);
  console.log(up.out);
  check('up --auto-approve fails with exit 1', up.code === 1);
  const cause =
    /failed: google_storage_bucket\.acme-real-tfstate: Post "https:\/\/storage\.googleapis\.com\/[^"]*": proxyconnect tcp: .*connection refused/;
  check('one line names the resource and the cause', cause.test(up.out));
  check('the log path is given', /log:\s+\.run\/stage\/\S+\/logs\/\d\d-backend\.log/.test(up.out));
  check(
    'the resume line is given',
    up.out.includes('resume:    npx docker-hosts up stage --from backend --skip-image'),
  );
  check('the env lock is released', !existsSync(join(repo, '.run', 'stage', 'lock')));
  check('the cdktf lock is released', !existsSync(join(repo, '.run', 'cdktf.lock')));
  check(
    'no state object written',
    JSON.stringify(await gcs.list(BUCKET)) === JSON.stringify(objectsBefore),
  );
  const local = join(repo, 'backend.tfstate');
  const resources = existsSync(local)
    ? (JSON.parse(readFileSync(local, 'utf8')).resources ?? [])
    : [];
  check('backend.tfstate holds no resource', resources.length === 0, JSON.stringify(resources));
  const again = driver(repo, env, ['plan', 'stage']);
  check(
    'the next plan stage shows the same summary',
    summary(again.out) === summary(plan.out),
    again.out,
  );
}

function proveImage(repo: string, env: NodeJS.ProcessEnv): void {
  const image = driver(repo, env, ['up', 'stage', '--only', 'image']);
  console.log(image.out);
  check('up stage --only image fails with exit 1', image.code === 1);
  check(
    'packer init passed offline (plugins from PACKER_PLUGIN_PATH)',
    /install Packer plugins ok/.test(image.out),
  );
  const cause =
    /packer build failed: googlecompute\.docker-host-base: .*Get "https:\/\/compute\.googleapis\.com\/[^"]*": proxyconnect tcp: .*connection refused/;
  check(
    'one line: packer build failed at its first Google call, with the cause',
    cause.test(image.out),
  );
  check(
    'the image log path is given',
    /log:\s+\.run\/stage\/\S+\/logs\/\d\d-image\.log/.test(image.out),
  );
  check(
    'the resume line is given',
    image.out.includes('resume:    npx docker-hosts up stage --only image'),
  );
  check('the env lock is released', !existsSync(join(repo, '.run', 'stage', 'lock')));
}

async function main(): Promise<void> {
  const tools = realTools(process.env);
  const { home, bin } = realHome(tools);
  const repo = realRepo(home);
  const gcsDir = mkdtempSync(join(tmpdir(), 'dh-gcs-'));
  const gcs = await GcsEmulator.start(tools.fakeGcs, join(gcsDir, 'gcs.log'));
  try {
    await gcs.createBucket(BUCKET, REAL_PROJECT);
    const proxy = `http://127.0.0.1:${await freePort()}`;
    const env = offlineDriverEnv(tools, { home, bin, repo }, gcs.endpoint, proxy);
    await proveUp(repo, env, gcs);
    proveImage(repo, env);
  } finally {
    await gcs.stop();
  }
  if (failures > 0) {
    console.log(`${failures} check(s) failed; the project copy is kept in ${repo}`);
    process.exit(1);
  }
  for (const dir of [repo, home, gcsDir]) rmSync(dir, { recursive: true, force: true });
  console.log(`test:driver-real: ${passes} checks passed`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
