/**
 * A managed fleet's driver path, in process against the recording executor: `up` plans the environment with the
 * release variable and waits for the group with gcloud (no Ansible), then checks the front door; `status` and
 * `releases` read the group's instances; `rollback` plans an up with the previous recorded release.
 * The list-instances and describe answers below are written from the API's ManagedInstance and InstanceTemplate
 * shapes: gcloud cannot reach Google here to print real ones.
 */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProjectSpec } from '../../config';
import type { ExecCall } from '../../driver/exec/exec';
import { readState } from '../../driver/state';
import {
  App,
  makeSandbox,
  PUBLIC_KEY,
  runDriver,
  Sandbox,
  sandboxAndAppEach,
  startApp,
  testEnv,
} from './harness';
import { planFixture } from './recorded-run';
import { Answer, GitAnswers, RecordingExec, toolResponder } from './recording-exec';

let sb: Sandbox;
let app: App;
let cloud: Cloud;
sandboxAndAppEach(
  (s, a) => ([sb, app] = [s, a]),
  () => (cloud = newCloud()),
);

const DIGEST_A = `europe-west1-docker.pkg.dev/test-project-123/docker-hosts/app@sha256:${'a'.repeat(64)}`;
const DIGEST_B = `europe-west1-docker.pkg.dev/test-project-123/docker-hosts/app@sha256:${'b'.repeat(64)}`;
const DIGEST_W = `europe-west1-docker.pkg.dev/test-project-123/docker-hosts/app@sha256:${'d'.repeat(64)}`;
const ZONE_URL = 'https://www.googleapis.com/compute/v1/projects/test-project-123/zones';
const TEMPLATE_URL =
  'https://www.googleapis.com/compute/v1/projects/test-project-123/regions/europe-west1/instanceTemplates';

function spec(image: string | { build: { context: string } }, sandbox = sb): ProjectSpec {
  const appSpec =
    typeof image === 'string' ? { image, port: app.port } : { ...image, port: app.port };
  return {
    environments: [
      {
        name: 'stage',
        projectId: 'test-project-123',
        region: 'europe-west1',
        zone: 'europe-west1-b',
        fleet: 'managed',
        exposure: 'load-balancer',
        ssh: { user: 'deploy', publicKeys: [PUBLIC_KEY], privateKeyFile: sandbox.privateKey },
        app: appSpec,
      },
    ],
  };
}

function instance(name: string, zone: string, template: string, health = 'HEALTHY') {
  return {
    currentAction: 'NONE',
    id: '7000000000000000001',
    instance: `${ZONE_URL}/${zone}/instances/${name}`,
    instanceHealth: [{ detailedHealthState: health, healthCheck: 'hc' }],
    instanceStatus: 'RUNNING',
    version: { instanceTemplate: `${TEMPLATE_URL}/${template}`, name: 'release' },
  };
}

const INSTANCES = [
  instance('stage-docker-host-x1z2', 'europe-west1-c', 'stage-docker-host-2026b'),
  instance('stage-docker-host-a9b8', 'europe-west1-b', 'stage-docker-host-2026b'),
];

function template(image: string) {
  const release = { name: 'app', image, port: app.port, containerPort: app.port, healthPath: '/' };
  return {
    properties: {
      metadata: { items: [{ key: 'docker-hosts-release', value: JSON.stringify(release) }] },
    },
  };
}

/** The managed stack's outputs, as `terraform output -json` prints them. */
function managedOutputs(port = app.port): string {
  const values = {
    fleet: 'managed',
    environment: 'stage',
    project: 'test-project-123',
    region: 'europe-west1',
    group: 'stage-docker-hosts',
    template: 'stage-docker-host-2026b',
    app_url: `http://127.0.0.1:${port}`,
    app_port: port,
    app_health_path: '/',
  };
  const entries = Object.entries(values).map(([k, value]) => [k, { value, type: 'dynamic' }]);
  return JSON.stringify(Object.fromEntries(entries));
}

/**
 * What the stand-ins share across runs, as Google would across operators: the state bucket's objects (by URL) and
 * the release the group runs (the image of the last applied release variable; DIGEST_B at first).
 */
interface Cloud {
  readonly objects: Map<string, string>;
  live: string;
  planned?: string;
  /** `gcloud storage cp` fails (the operator may not write the bucket). */
  denyWrites?: boolean;
  /** What `gcloud storage cat` answers instead of the objects. */
  readFails?: Answer;
}

function newCloud(): Cloud {
  return { objects: new Map(), live: DIGEST_B };
}

const HISTORY = 'gs://test-project-123-tfstate/docker-hosts/stage/releases';

/**
 * `gcloud storage cp <file> <url> --if-generation-match=0` and `gcloud storage cat <folder>/*.json`, as gcloud
 * answers: the 412, "matched no objects" and bucket-404 messages are what gcloud 528 printed against
 * fake-gcs-server; the 403 is written from Google's wording (no Google here).
 */
function storage(call: ExecCall): Answer {
  const [, verb, from, to] = call.args;
  if (verb === 'cat' && cloud.readFails !== undefined) return cloud.readFails;
  if (verb === 'cp' && cloud.denyWrites)
    return {
      code: 1,
      stderr: `ERROR: (gcloud.storage.cp) HTTPError 403: ops@example.com does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist).\n`,
    };
  if (verb === 'cp' && cloud.objects.has(to))
    return { code: 1, stderr: 'ERROR: HTTPError 412: Precondition failed\n' };
  if (verb === 'cp') {
    cloud.objects.set(to, readFileSync(from, 'utf8'));
    return { stderr: `Copying file://${from} to ${to}\n` };
  }
  const folder = from.slice(0, -'*.json'.length);
  const names = [...cloud.objects.keys()]
    .filter(
      (k) => k.startsWith(folder) && !k.slice(folder.length).includes('/') && k.endsWith('.json'),
    )
    .sort();
  if (names.length === 0)
    return {
      code: 1,
      stderr: `ERROR: (gcloud.storage.cat) The following URLs matched no objects or files:\n${from}\n`,
    };
  return { stdout: names.map((k) => cloud.objects.get(k)).join('') };
}

interface RunOptions {
  readonly image?: Parameters<typeof spec>[0];
  readonly instances?: unknown[];
  readonly git?: GitAnswers;
  /** Another operator's machine: its own run folder, the same bucket and group. */
  readonly sandbox?: Sandbox;
  /** Where the front door answers (default: the test's app). */
  readonly port?: number;
}

/** The tools' stand-ins, with gcloud (the group, the bucket) and the managed stack's outputs. */
async function run(argv: string[], options: RunOptions = {}) {
  const { image = DIGEST_A, instances = INSTANCES, git, sandbox = sb, port = app.port } = options;
  let exec: RecordingExec | undefined;
  const planJson = planFixture('google-create');
  const tools = toolResponder({ port, planJson, git });
  const respond = (
    call: Parameters<typeof tools>[0],
    r: Parameters<typeof tools>[1],
    e: RecordingExec,
  ) => {
    const [sub, , , verb] = call.args;
    const tool = basename(call.command);
    if (tool === 'gcloud' && sub === 'version')
      return { stdout: 'Google Cloud SDK 500.0.0\n' } as Answer;
    if (tool === 'gcloud' && sub === 'storage') return storage(call);
    if (tool === 'gcloud' && verb === 'list-instances')
      return { stdout: JSON.stringify(instances) } as Answer;
    if (tool === 'gcloud' && call.args[1] === 'instance-templates')
      return { stdout: JSON.stringify(template(cloud.live)) } as Answer;
    if (tool === 'gcloud') return { stdout: `gcloud ${sub}: ok\n` } as Answer;
    if (tool === 'docker' && call.args[1] === 'imagetools')
      return { stdout: `Name: ${call.args[3]}\nDigest: sha256:${'c'.repeat(64)}\n` } as Answer;
    if (tool === 'terraform' && sub === 'output' && call.cwd?.endsWith('/stage'))
      return { stdout: managedOutputs(port) } as Answer;
    if (tool === 'terraform' && call.cwd?.endsWith('/stage')) rollTheGroup(call);
    return tools(call, r, e);
  };
  const result = await runDriver(argv, sandbox, {
    spec: spec(image, sandbox),
    env: testEnv(sandbox, { CLOUDSDK_CORE_ACCOUNT: 'ops@example.com' }),
    signals: new EventEmitter(),
    makeExec: (io) => (exec = new RecordingExec(io, respond)),
  });
  return { ...result, lines: exec?.lines() ?? [] };
}

/** The group runs what the environment's stack applied: the release variable of its last plan. */
function rollTheGroup(call: ExecCall): void {
  const release = call.args.find((a) => a.startsWith('release_image='));
  if (call.args[0] === 'plan' && release !== undefined) cloud.planned = release.split('=')[1];
  if (call.args[0] === 'apply' && cloud.planned !== undefined) cloud.live = cloud.planned;
}

/** The records in the bucket, by object name. */
function recorded(): { name: string; record: Record<string, string> }[] {
  return [...cloud.objects]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([url, text]) => ({ name: url, record: JSON.parse(text) as Record<string, string> }));
}

test('up: the environment is planned with its release, applied, the group waited for with gcloud, the front door checked; no Ansible', async () => {
  const result = await run(['up', 'stage', '--skip-image', '--auto-approve']);
  expect([result.code, result.err]).toEqual([0, '']);
  const plans = result.lines.filter((l) => l.startsWith('terraform plan'));
  expect(plans).toHaveLength(3);
  expect(plans[2]).toContain(` -var release_image=${DIGEST_A} `);
  expect(plans.slice(0, 2).join('\n')).not.toContain('release_image');
  expect(result.lines.some((l) => l.startsWith('ansible-playbook'))).toBe(false);
  expect(result.out).toMatch(/check .* ok/);
  expect(app.hits()).toBeGreaterThanOrEqual(1);
  // The check passed: the release is one new object in the state bucket, beside the stack's state.
  const [{ name, record }] = recorded();
  expect(recorded()).toHaveLength(1);
  expect(name).toMatch(new RegExp(`^${HISTORY}/\\d{8}T\\d{6}\\.\\d{3}Z-aaaaaaaaaaaa\\.json$`));
  expect(record).toEqual({
    time: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) as unknown as string,
    who: 'unknown',
    commit: '',
    image: DIGEST_A,
    template: 'stage-docker-host-2026b',
  });
  const gcloud = result.lines.filter((l) => l.startsWith('gcloud'));
  expect(gcloud[0]).toBe(
    'gcloud compute instance-groups managed wait-until stage-docker-hosts --stable --region europe-west1 --project test-project-123 --timeout=1200',
  );
  // Written from a file in the run folder, which keeps it.
  const [, , , file, to, precondition] = gcloud[1].split(' ');
  expect([gcloud.length, to, precondition]).toEqual([2, name, '--if-generation-match=0']);
  expect(file).toBe(join(readState(sb.runBase, 'stage').lastRun?.up ?? '-', 'release-record.json'));
  expect(readFileSync(file, 'utf8')).toBe(cloud.objects.get(name));
  expect(result.out).toContain(`release recorded: ${name}\n`);
});

test('up records nothing when the check fails: the front door does not answer', async () => {
  const sick = await startApp(503);
  try {
    const argv = ['up', 'stage', '--skip-image', '--auto-approve', '--check-timeout', '1'];
    const result = await run(argv, { port: sick.port });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/check .*FAILED/);
    expect(result.lines.some((l) => l.startsWith('gcloud storage'))).toBe(false);
    expect(cloud.objects.size).toBe(0);
  } finally {
    await sick.close();
  }
});

test('a record that cannot be written: the rollout stands (exit 0), a warning names the call and the retry', async () => {
  cloud.denyWrites = true;
  const result = await run(['up', 'stage', '--skip-image', '--auto-approve']);
  expect(result.code).toBe(0);
  expect(cloud.live).toBe(DIGEST_A);
  const cp = result.lines.find((l) => l.startsWith('gcloud storage cp')) ?? '';
  expect(result.err).toContain(
    `warning: ${DIGEST_A} is rolled and its check passed, but its record is not in the shared history (releases and rollback do not see it): gcloud storage cp ${cp.split(' ').slice(3, 5).join(' ')} failed (exit 1)\n  | ERROR: (gcloud.storage.cp) HTTPError 403:`,
  );
  expect(result.err).toContain(`  record it by hand (the same call, from this machine): ${cp}\n`);
  // The retry is that same call: the file stays in the run folder.
  expect(existsSync(cp.split(' ')[3])).toBe(true);
  expect(result.out).not.toContain('release recorded');
});

test('up refuses a release that is not an image by digest, before anything runs', async () => {
  const result = await run(['up', 'stage', '--skip-image', '--auto-approve'], {
    image: 'example/app:1.0',
  });
  expect(result.code).toBe(2);
  expect(result.err).toContain(
    'stage is a managed fleet: its release must be an image by digest, and app.image is "example/app:1.0": pin it as <repository>@sha256:<digest>',
  );
  expect(result.lines).toEqual([]);
});

test('status: every host of the group with zone, health and template; exit 0, or 6 when one is not serving', async () => {
  const ok = await run(['status', 'stage']);
  expect(ok.code).toBe(0);
  expect(ok.lines).toEqual([
    'gcloud compute instance-groups managed list-instances stage-docker-hosts --region europe-west1 --project test-project-123 --format=json',
  ]);
  expect(ok.out).toMatch(
    /stage-docker-host-a9b8\s+europe-west1-b\s+RUNNING\s+NONE\s+HEALTHY\s+stage-docker-host-2026b/,
  );
  expect(ok.out).toContain('every host serves, healthy');
  const sick = [
    INSTANCES[0],
    instance('stage-docker-host-q7q7', 'europe-west1-d', 'stage-docker-host-2026b', 'UNHEALTHY'),
  ];
  const bad = await run(['status', 'stage'], { instances: sick });
  expect(bad.code).toBe(6);
  expect(bad.out).toContain('1 of 2 hosts are not serving (yet)');
  const none = await run(['status', 'stage', '--json'], { instances: [] });
  expect([none.code, JSON.parse(none.out).instances]).toEqual([6, []]);
});

test('releases: each template the hosts run with its image, then the shared history (empty: none yet)', async () => {
  const result = await run(['releases', 'stage']);
  expect([result.code, result.err]).toEqual([0, '']);
  expect(result.lines).toEqual([
    'gcloud compute instance-groups managed list-instances stage-docker-hosts --region europe-west1 --project test-project-123 --format=json',
    'gcloud compute instance-templates describe stage-docker-host-2026b --region europe-west1 --project test-project-123 --format=json',
    `gcloud storage cat ${HISTORY}/*.json`,
  ]);
  expect(result.out).toMatch(
    new RegExp(`stage-docker-host-2026b\\s+${DIGEST_B.replace(/[.]/g, '\\.')}\\s+2\\s+2`),
  );
  expect(result.out).toContain(
    `recorded in ${HISTORY}/ (every operator's, oldest first):\n(none recorded yet)\n`,
  );
});

test('releases: a history that cannot be read is one line with the call, its exit code and the tail', async () => {
  cloud.objects.set(`${HISTORY}/x.json`, 'not a record\n');
  const skipped = await run(['releases', 'stage', '--json']);
  expect(skipped.code).toBe(0);
  expect(JSON.parse(skipped.out)).toMatchObject({ recorded: [], history: HISTORY });
  expect(skipped.err).toBe(
    `note: 1 of the objects in ${HISTORY} are not release records: skipped\n`,
  );
  cloud.objects.clear();
  // A state bucket that is not there (a wrong project, say): not an empty history.
  cloud.readFails = {
    code: 1,
    stderr: 'ERROR: (gcloud.storage.cat) gs://test-project-123-tfstate not found: 404.\n',
  };
  const result = await run(['releases', 'stage']);
  expect(result.code).toBe(1);
  expect(result.err).toBe(
    `error: reading the release history: gcloud storage cat ${HISTORY}/*.json failed (exit 1)\n  | ERROR: (gcloud.storage.cat) gs://test-project-123-tfstate not found: 404.\n`,
  );
});

test("two operators share the history: B's rollout is in A's releases, and A's rollback goes back from it", async () => {
  const b = makeSandbox();
  const alice = { email: 'alice@example.com' };
  const bob = { email: 'bob@example.com' };
  try {
    const up = ['up', 'stage', '--skip-image', '--auto-approve'];
    // A rolls W then X from her machine; B rolls Y from his.
    expect((await run(up, { image: DIGEST_W, git: alice })).code).toBe(0);
    expect((await run(up, { image: DIGEST_A, git: alice })).code).toBe(0);
    expect((await run(up, { image: DIGEST_B, git: bob, sandbox: b })).code).toBe(0);
    expect(cloud.live).toBe(DIGEST_B);
    const releases = await run(['releases', 'stage']);
    expect(releases.code).toBe(0);
    expect(releases.out).toMatch(
      new RegExp(`stage-docker-host-2026b\\s+\\S+\\s+2\\s+2\\s+current`),
    );
    const table = releases.out.split('oldest first):\n')[1].trim().split('\n');
    const rows = table.map((row) => row.split(/\s+/));
    expect(rows.map(([, who, , image]) => [who, image])).toEqual([
      ['who', 'image'],
      ['alice@example.com', DIGEST_W],
      ['alice@example.com', DIGEST_A],
      ['bob@example.com', DIGEST_B],
    ]);
    // A's rollback starts from what the group runs (B's Y): back to X, not to W.
    const back = await run(['rollback', 'stage', '--auto-approve'], { git: alice });
    expect([back.code, back.err]).toEqual([0, '']);
    expect(back.out).toContain(
      `rollback of stage from ${DIGEST_B} to ${DIGEST_A} (rolled ${recorded()[1].record.time} by alice@example.com): planned as an up with that release\n`,
    );
    expect(back.out).toContain('Changes to stage');
    expect(back.lines.filter((l) => l.startsWith('terraform plan'))[2]).toContain(
      `-var release_image=${DIGEST_A} `,
    );
    expect(cloud.live).toBe(DIGEST_A);
    // The rollback is a release like any other: recorded, for every operator.
    expect(recorded().map((r) => [r.record.who, r.record.image])).toEqual([
      ['alice@example.com', DIGEST_W],
      ['alice@example.com', DIGEST_A],
      ['bob@example.com', DIGEST_B],
      ['alice@example.com', DIGEST_A],
    ]);
  } finally {
    b.cleanup();
  }
});

test('rollback with nothing recorded, or from a live release the history lacks: name one; nothing changes', async () => {
  const empty = await run(['rollback', 'stage']);
  expect(empty.code).toBe(2);
  expect(empty.err).toBe(
    `error: rollback of stage: the live release ${DIGEST_B} is not in the recorded history (rolled outside the driver?): name the release to roll to: rollback <env> <commit prefix, digest or image>\n`,
  );
  expect(empty.lines).toEqual([
    'gcloud compute instance-groups managed list-instances stage-docker-hosts --region europe-west1 --project test-project-123 --format=json',
    'gcloud compute instance-templates describe stage-docker-host-2026b --region europe-west1 --project test-project-123 --format=json',
    `gcloud storage cat ${HISTORY}/*.json`,
  ]);
  expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
  // W recorded, then the group was rolled to B outside the driver: still no default target.
  expect(
    (await run(['up', 'stage', '--skip-image', '--auto-approve'], { image: DIGEST_W })).code,
  ).toBe(0);
  cloud.live = DIGEST_B;
  const outside = await run(['rollback', 'stage']);
  expect(outside.code).toBe(2);
  expect(outside.err).toContain(`the live release ${DIGEST_B} is not in the recorded history`);
  expect(cloud.objects.size).toBe(1);
  // Named, it goes.
  const named = await run(['rollback', 'stage', `sha256:${'d'.repeat(64)}`, '--auto-approve']);
  expect([named.code, named.err]).toEqual([0, '']);
  expect(named.out).toContain(`rollback of stage to ${DIGEST_W} (rolled `);
  expect(cloud.live).toBe(DIGEST_W);
});

test('a fixed fleet refuses rollback --auto-approve: there is no plan to approve', async () => {
  const result = await runDriver(['rollback', 'stage', '--auto-approve'], sb);
  expect(result.code).toBe(2);
  expect(result.err).toContain(
    '--auto-approve applies to rollback of a managed fleet only (stage is fixed)',
  );
});

test('app.build: the registry first, then build <env> (local Docker), then up plans with the pushed digest', async () => {
  // A clean checkout at this commit (git's answers: the recording executor's stand-in).
  const commit = '3f2a9c1d5e7b8a0c4d6e8f1a2b3c4d5e6f708192';
  const checkout = { commit, porcelain: '', email: 'ops@example.com' };
  const built = { build: { context: 'app' } };
  const up = await run(['up', 'stage', '--skip-image', '--auto-approve'], { image: built });
  expect([up.code, up.lines]).toEqual([2, []]);
  expect(up.err).toContain(
    'stage is a managed fleet: no build of its release yet: run "npx docker-hosts build stage --local" first',
  );
  const registry = await run(['up', 'stage', '--only', 'registry', '--auto-approve'], {
    image: built,
    git: checkout,
  });
  expect(registry.code).toBe(0);
  expect(registry.lines.filter((l) => l.startsWith('terraform plan')).join('\n')).not.toContain(
    'release_image',
  );
  const build = await run(['build', 'stage'], { image: built, git: checkout });
  expect([build.code, build.err]).toEqual([0, '']);
  const repo = 'europe-west1-docker.pkg.dev/test-project-123/docker-hosts/app';
  expect(build.lines).toContain(`docker manifest inspect ${repo}:${commit}`);
  const deploy = await run(['up', 'stage', '--skip-image', '--auto-approve'], {
    image: built,
    git: checkout,
  });
  expect([deploy.code, deploy.err]).toEqual([0, '']);
  expect(deploy.lines.filter((l) => l.startsWith('terraform plan'))[2]).toContain(
    `-var release_image=${repo}@sha256:${'c'.repeat(64)} `,
  );
});

test('up --dry-run prints the managed steps: the wait on the group instead of Ansible, no inventory', async () => {
  const result = await run(['up', 'stage', '--dry-run', '--skip-image']);
  expect(result.code).toBe(0);
  expect(result.out).toContain(
    'gcloud compute instance-groups managed wait-until stage-docker-hosts --stable --region europe-west1 --project test-project-123 --timeout=1200',
  );
  expect(result.out).not.toContain('ansible-playbook');
  expect(result.out).not.toMatch(/inventory/);
  expect(result.lines).toEqual([]);
});

test('destroy plans the managed stack with a release too (Terraform asks for it), a placeholder', async () => {
  const result = await run(['destroy', 'stage', '--yes'], { image: 'example/app:1.0' });
  const plan = result.lines.find((l) => l.startsWith('terraform plan'));
  expect(plan).toContain(`-destroy`);
  expect(plan).toContain(`-var release_image=destroy.invalid/none@sha256:${'0'.repeat(64)} `);
  expect(result.lines.some((l) => l.startsWith('gcloud'))).toBe(false);
});

test('rollback --dry-run: the reads that choose the release, then the up it plans; nothing run, no lock', async () => {
  const result = await run(['rollback', 'stage', '--dry-run']);
  expect([result.code, result.err, result.lines]).toEqual([0, '', []]);
  expect(result.out).toContain(
    'rollback of stage: first reads what the group runs and the release history, then an up with <the release before the live one>:\n' +
      '  gcloud compute instance-groups managed list-instances stage-docker-hosts --region europe-west1 --project test-project-123 --format=json\n' +
      "  gcloud compute instance-templates describe '<each template the hosts run>' --region europe-west1 --project test-project-123 --format=json\n" +
      `  gcloud storage cat '${HISTORY}/*.json'\n`,
  );
  expect(result.out).toContain('Plan for "up stage"');
  const named = await run(['rollback', 'stage', DIGEST_W, '--dry-run']);
  expect([named.code, named.lines]).toEqual([0, []]);
  expect(named.out).toContain(
    `then an up with ${DIGEST_W}:\n  gcloud storage cat '${HISTORY}/*.json'\nPlan for "up stage"`,
  );
  expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
});
