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
import { releaseLogFile } from '../../driver/managed/releases';
import { App, PUBLIC_KEY, runDriver, Sandbox, sandboxAndAppEach, testEnv } from './harness';
import { planFixture } from './recorded-run';
import { Answer, GitAnswers, RecordingExec, toolResponder } from './recording-exec';

let sb: Sandbox;
let app: App;
sandboxAndAppEach((s, a) => ([sb, app] = [s, a]));

const DIGEST_A = `europe-west1-docker.pkg.dev/test-project-123/docker-hosts/app@sha256:${'a'.repeat(64)}`;
const DIGEST_B = `europe-west1-docker.pkg.dev/test-project-123/docker-hosts/app@sha256:${'b'.repeat(64)}`;
const ZONE_URL = 'https://www.googleapis.com/compute/v1/projects/test-project-123/zones';
const TEMPLATE_URL =
  'https://www.googleapis.com/compute/v1/projects/test-project-123/regions/europe-west1/instanceTemplates';

function spec(image: string | { build: { context: string } }): ProjectSpec {
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
        ssh: { user: 'deploy', publicKeys: [PUBLIC_KEY], privateKeyFile: sb.privateKey },
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
function managedOutputs(): string {
  const values = {
    fleet: 'managed',
    environment: 'stage',
    project: 'test-project-123',
    region: 'europe-west1',
    group: 'stage-docker-hosts',
    template: 'stage-docker-host-2026b',
    app_url: `http://127.0.0.1:${app.port}`,
    app_port: app.port,
    app_health_path: '/',
  };
  const entries = Object.entries(values).map(([k, value]) => [k, { value, type: 'dynamic' }]);
  return JSON.stringify(Object.fromEntries(entries));
}

/** The tools' stand-ins, with gcloud and the managed stack's outputs. */
async function run(
  argv: string[],
  image: Parameters<typeof spec>[0] = DIGEST_A,
  instances: unknown[] = INSTANCES,
  git?: GitAnswers,
) {
  let exec: RecordingExec | undefined;
  const planJson = planFixture('google-create');
  const tools = toolResponder({ port: app.port, planJson, git });
  const respond = (
    call: Parameters<typeof tools>[0],
    r: Parameters<typeof tools>[1],
    e: RecordingExec,
  ) => {
    const [sub, , , verb] = call.args;
    const tool = basename(call.command);
    if (tool === 'gcloud' && sub === 'version')
      return { stdout: 'Google Cloud SDK 500.0.0\n' } as Answer;
    if (tool === 'gcloud' && verb === 'list-instances')
      return { stdout: JSON.stringify(instances) } as Answer;
    if (tool === 'gcloud' && call.args[1] === 'instance-templates')
      return { stdout: JSON.stringify(template(DIGEST_B)) } as Answer;
    if (tool === 'gcloud') return { stdout: `gcloud ${sub}: ok\n` } as Answer;
    if (tool === 'docker' && call.args[1] === 'imagetools')
      return { stdout: `Name: ${call.args[3]}\nDigest: sha256:${'c'.repeat(64)}\n` } as Answer;
    if (tool === 'terraform' && sub === 'output' && call.cwd?.endsWith('/stage'))
      return { stdout: managedOutputs() } as Answer;
    return tools(call, r, e);
  };
  const result = await runDriver(argv, sb, {
    spec: spec(image),
    env: testEnv(sb, { CLOUDSDK_CORE_ACCOUNT: 'ops@example.com' }),
    signals: new EventEmitter(),
    makeExec: (io) => (exec = new RecordingExec(io, respond)),
  });
  return { ...result, lines: exec?.lines() ?? [] };
}

test('up: the environment is planned with its release, applied, the group waited for with gcloud, the front door checked; no Ansible', async () => {
  const result = await run(['up', 'stage', '--skip-image', '--auto-approve']);
  expect([result.code, result.err]).toEqual([0, '']);
  const plans = result.lines.filter((l) => l.startsWith('terraform plan'));
  expect(plans).toHaveLength(3);
  expect(plans[2]).toContain(` -var release_image=${DIGEST_A} `);
  expect(plans.slice(0, 2).join('\n')).not.toContain('release_image');
  expect(result.lines.some((l) => l.startsWith('ansible-playbook'))).toBe(false);
  expect(result.lines.filter((l) => l.startsWith('gcloud'))).toEqual([
    'gcloud compute instance-groups managed wait-until stage-docker-hosts --stable --region europe-west1 --project test-project-123 --timeout=1200',
  ]);
  expect(result.out).toMatch(/check .* ok/);
  expect(app.hits()).toBeGreaterThanOrEqual(1);
  const log = readFileSync(releaseLogFile(sb.runBase, 'stage'), 'utf8').trim().split('\n');
  expect(log.map((l) => (JSON.parse(l) as { image: string }).image)).toEqual([DIGEST_A]);
});

test('up refuses a release that is not an image by digest, before anything runs', async () => {
  const result = await run(['up', 'stage', '--skip-image', '--auto-approve'], 'example/app:1.0');
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
  const bad = await run(['status', 'stage'], DIGEST_A, sick);
  expect(bad.code).toBe(6);
  expect(bad.out).toContain('1 of 2 hosts are not serving (yet)');
  const none = await run(['status', 'stage', '--json'], DIGEST_A, []);
  expect([none.code, JSON.parse(none.out).instances]).toEqual([6, []]);
});

test('releases: each template the hosts run with the image its metadata carries', async () => {
  const result = await run(['releases', 'stage']);
  expect(result.code).toBe(0);
  expect(result.lines[1]).toBe(
    'gcloud compute instance-templates describe stage-docker-host-2026b --region europe-west1 --project test-project-123 --format=json',
  );
  expect(result.out).toMatch(
    new RegExp(`stage-docker-host-2026b\\s+${DIGEST_B.replace(/[.]/g, '\\.')}\\s+2\\s+2`),
  );
});

test('rollback: the release before the current one, planned (shown) and applied as an up', async () => {
  expect((await run(['up', 'stage', '--skip-image', '--auto-approve'], DIGEST_A)).code).toBe(0);
  expect((await run(['up', 'stage', '--skip-image', '--auto-approve'], DIGEST_B)).code).toBe(0);
  const back = await run(['rollback', 'stage', '--auto-approve'], DIGEST_B);
  expect([back.code, back.err]).toEqual([0, '']);
  expect(back.out).toContain(`rollback of stage to ${DIGEST_A}`);
  expect(back.out).toContain('Changes to stage');
  expect(back.lines.filter((l) => l.startsWith('terraform plan'))[2]).toContain(
    `-var release_image=${DIGEST_A} `,
  );
  const images = readFileSync(releaseLogFile(sb.runBase, 'stage'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { image: string }).image);
  expect(images).toEqual([DIGEST_A, DIGEST_B, DIGEST_A]);
});

test('rollback with nothing recorded says so and changes nothing', async () => {
  const result = await run(['rollback', 'stage']);
  expect(result.code).toBe(2);
  expect(result.err).toContain('rollback of stage: no release of this environment is recorded');
  expect(result.lines).toEqual([]);
  expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
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
  const up = await run(['up', 'stage', '--skip-image', '--auto-approve'], built);
  expect([up.code, up.lines]).toEqual([2, []]);
  expect(up.err).toContain(
    'stage is a managed fleet: no build of its release yet: run "npx docker-hosts build stage --local" first',
  );
  const registry = await run(
    ['up', 'stage', '--only', 'registry', '--auto-approve'],
    built,
    INSTANCES,
    checkout,
  );
  expect(registry.code).toBe(0);
  expect(registry.lines.filter((l) => l.startsWith('terraform plan')).join('\n')).not.toContain(
    'release_image',
  );
  const build = await run(['build', 'stage'], built, INSTANCES, checkout);
  expect([build.code, build.err]).toEqual([0, '']);
  const repo = 'europe-west1-docker.pkg.dev/test-project-123/docker-hosts/app';
  expect(build.lines).toContain(`docker manifest inspect ${repo}:${commit}`);
  const deploy = await run(
    ['up', 'stage', '--skip-image', '--auto-approve'],
    built,
    INSTANCES,
    checkout,
  );
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

test('destroy plans the managed stack with a release too (Terraform asks for it), the last recorded one', async () => {
  expect((await run(['up', 'stage', '--skip-image', '--auto-approve'], DIGEST_B)).code).toBe(0);
  const result = await run(['destroy', 'stage', '--yes'], 'example/app:1.0');
  const plan = result.lines.find((l) => l.startsWith('terraform plan'));
  expect(plan).toContain(`-destroy`);
  expect(plan).toContain(`-var release_image=${DIGEST_B} `);
});
