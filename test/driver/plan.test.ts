import { EnvironmentConfig, resolveProject } from '../../config';
import { FIXTURE_PROJECT as PROJECT } from '../fixtures/project';
import { PlanContext } from '../../driver/plan/tools';
import { buildDestroyPlan, buildUpPlan, ImageRecord } from '../../driver/plan/build';
import { activeSteps, Plan, PreflightTask } from '../../driver/plan/steps';

const project = resolveProject(PROJECT, { home: '/home/op' });
const env = (name: string): EnvironmentConfig => project.environments.find((e) => e.name === name)!;
const ctx: PlanContext = {
  root: '/repo',
  runDir: '/repo/.run/stage/T',
  cdktf: '/repo/node_modules/.bin/cdktf',
  node: 'node',
};

const names = (plan: Plan) => activeSteps(plan).map((s) => s.name);
const skipped = (plan: Plan) =>
  Object.fromEntries(plan.steps.filter((s) => s.skip).map((s) => [s.name, s.skip]));
const preflight = (plan: Plan) => (plan.steps[0] as { task: PreflightTask }).task;

const built: ImageRecord = {
  hash: 'a'.repeat(64),
  projectId: 'acme-docker-hosts',
  imageFamily: 'docker-host-base',
  builtAt: '2025-01-01T00:00:00.000Z',
};

describe('up plan', () => {
  it('runs every step in order: preflight, image, backend, registry, environment, inventory, hosts, check', () => {
    for (const name of ['stage', 'prod']) {
      const plan = buildUpPlan(env(name), ctx);
      expect(plan.command).toBe('up');
      expect(plan.environment).toBe(name);
      expect(names(plan)).toEqual([
        'preflight',
        'packer-init',
        'image',
        'backend',
        'registry',
        'deploy',
        'inventory',
        'hosts',
        'check',
      ]);
      const work = activeSteps(plan).flatMap((s) =>
        s.kind === 'exec'
          ? [[s.command, s.args[0], s.args[1]]]
          : s.task.type === 'terraform-apply'
            ? [[s.task.apply.command, s.task.apply.args[0], s.task.apply.args.at(-1)]]
            : s.task.type === 'inventory'
              ? [['(in process)', 'inventory', s.task.out]]
              : [],
      );
      // The stacks apply their saved plans (made, shown and approved before the run starts: review/up-review.ts).
      expect(work).toEqual([
        ['packer', 'init', 'packer/'],
        ['packer', 'build', '-var-file=/repo/.run/stage/T/image.pkrvars.json'],
        ['terraform', 'apply', '/repo/.run/stage/T/backend.tfplan'],
        ['terraform', 'apply', '/repo/.run/stage/T/registry.tfplan'],
        ['terraform', 'apply', `/repo/.run/stage/T/${name}.tfplan`],
        ['(in process)', 'inventory', '/repo/.run/stage/T/inventory.yml'],
        ['ansible-playbook', '-i', '/repo/.run/stage/T/inventory.yml'],
      ]);
    }
  });

  it('preflight checks everything the whole run needs', () => {
    expect(preflight(buildUpPlan(env('stage'), ctx))).toEqual({
      type: 'preflight',
      requirements: [
        'config',
        'gcp-project',
        'credentials',
        'packer',
        'cdktf',
        'terraform',
        'ansible-playbook',
        'ssh-public-key',
        'ssh-private-key',
        'gcloud',
      ],
      files: ['packer/', 'main.ts', 'ansible/playbooks/site.yml'],
    });
  });

  it('gcloud is needed only where Ansible tunnels through IAP', () => {
    const direct = resolveProject(
      {
        environments: [
          {
            name: 'lab',
            region: 'europe-west1',
            zone: 'europe-west1-b',
            projectId: 'acme-docker-hosts',
            exposure: 'public-ips',
            sshSourceRanges: ['203.0.113.0/24'],
            ssh: {
              connectVia: 'direct',
              publicKeys: [
                'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm9Ylq0bW5UkGb0V6nWqf3cQ6x1d0bG6wqKq6b4mJ5e ops@example',
              ],
            },
          },
        ],
      },
      { home: '/home/op' },
    ).environments[0];
    expect(preflight(buildUpPlan(direct, ctx)).requirements).not.toContain('gcloud');
    expect(
      preflight(buildUpPlan(env('stage'), ctx, { only: 'deploy' })).requirements,
    ).not.toContain('gcloud');
    // Packer's IAP tunnel runs gcloud too.
    expect(preflight(buildUpPlan(env('stage'), ctx, { only: 'image' })).requirements).toContain(
      'gcloud',
    );
  });

  it('--from starts at a step (preflight still runs) and skips the ones before', () => {
    const plan = buildUpPlan(env('stage'), ctx, { from: 'deploy' });
    expect(names(plan)).toEqual(['preflight', 'deploy', 'inventory', 'hosts', 'check']);
    expect(skipped(plan)).toEqual({
      'packer-init': 'before --from deploy',
      image: 'before --from deploy',
      backend: 'before --from deploy',
      registry: 'before --from deploy',
    });
    // Every step stays in the plan, so log numbers (NN-<step>.log) do not move between runs.
    expect(plan.steps.map((s) => s.name)).toEqual([
      'preflight',
      'packer-init',
      'image',
      'backend',
      'registry',
      'deploy',
      'inventory',
      'hosts',
      'check',
    ]);
    expect(preflight(plan).requirements).not.toContain('packer');
  });

  it('the registry step applies the saved plan of the registry stack, its outputs into the run folder', () => {
    const plan = buildUpPlan(env('stage'), ctx, { only: 'registry' });
    expect(names(plan)).toEqual(['preflight', 'registry']);
    const step = plan.steps.find((s) => s.name === 'registry')!;
    expect(step.kind === 'task' && step.task).toEqual({
      type: 'terraform-apply',
      stack: 'registry',
      apply: {
        command: 'terraform',
        args: [
          'apply',
          '-input=false',
          '-no-color',
          '-auto-approve',
          '/repo/.run/stage/T/registry.tfplan',
        ],
        cwd: '/repo/.run/stage/T/cdktf.out/stacks/registry',
      },
      output: {
        command: 'terraform',
        args: ['output', '-json', '-no-color'],
        cwd: '/repo/.run/stage/T/cdktf.out/stacks/registry',
      },
      outputsFile: '/repo/.run/stage/T/registry-outputs.json',
    });
    expect(preflight(plan)).toEqual({
      type: 'preflight',
      requirements: ['config', 'gcp-project', 'credentials', 'cdktf', 'terraform'],
      files: ['main.ts'],
    });
  });

  it('the hosts step reads the registry host from the registry outputs, which --from hosts needs from a run', () => {
    const hosts = buildUpPlan(env('stage'), ctx, { from: 'hosts' }).steps.find(
      (s) => s.name === 'hosts',
    )!;
    expect(hosts.derives).toEqual([
      {
        path: '/repo/.run/stage/T/registry-vars.json',
        type: 'registry-hosts',
        outputsFile: '/repo/.run/stage/T/registry-outputs.json',
        stack: 'registry',
        environment: 'stage',
      },
    ]);
    expect(hosts.needs).toContainEqual({
      path: '/repo/.run/stage/T/registry-outputs.json',
      from: 'registry',
    });
    expect(hosts.kind === 'exec' && hosts.args).toContain('@/repo/.run/stage/T/registry-vars.json');
  });

  it('--only runs one step, with a preflight for just that step', () => {
    const plan = buildUpPlan(env('stage'), ctx, { only: 'hosts' });
    expect(names(plan)).toEqual(['preflight', 'hosts']);
    expect(preflight(plan)).toEqual({
      type: 'preflight',
      requirements: ['config', 'ansible-playbook', 'ssh-private-key', 'gcloud'],
      files: ['ansible/playbooks/site.yml'],
    });
    expect(names(buildUpPlan(env('stage'), ctx, { only: 'check' }))).toEqual([
      'preflight',
      'check',
    ]);
    expect(names(buildUpPlan(env('stage'), ctx, { only: 'preflight' }))).toEqual(['preflight']);
  });

  it('--skip-image leaves out packer init and build', () => {
    const plan = buildUpPlan(env('prod'), ctx, { skipImage: true });
    expect(names(plan)).toEqual([
      'preflight',
      'backend',
      'registry',
      'deploy',
      'inventory',
      'hosts',
      'check',
    ]);
    expect(skipped(plan).image).toMatch(/^--skip-image/);
    expect(preflight(plan).requirements).not.toContain('packer');
  });

  it('skips the image automatically when its sources are unchanged since the last successful build', () => {
    const plan = buildUpPlan(env('stage'), ctx, {
      image: { currentHash: built.hash, lastBuild: built },
    });
    expect(names(plan)).toEqual([
      'preflight',
      'backend',
      'registry',
      'deploy',
      'inventory',
      'hosts',
      'check',
    ]);
    expect(skipped(plan).image).toContain(
      'unchanged since the image built 2025-01-01T00:00:00.000Z (source aaaaaaaaaaaa)',
    );
    expect(skipped(plan).image).toContain('--build-image');
  });

  it('builds the image when anything differs, or when asked for', () => {
    const changed = { currentHash: 'b'.repeat(64), lastBuild: built };
    expect(names(buildUpPlan(env('stage'), ctx, { image: changed }))).toContain('image');
    const otherProject = {
      currentHash: built.hash,
      lastBuild: { ...built, projectId: 'other-project' },
    };
    expect(names(buildUpPlan(env('stage'), ctx, { image: otherProject }))).toContain('image');
    const same = { currentHash: built.hash, lastBuild: built };
    expect(names(buildUpPlan(env('stage'), ctx, { image: same, buildImage: true }))).toContain(
      'image',
    );
    expect(names(buildUpPlan(env('stage'), ctx, { image: same, only: 'image' }))).toEqual([
      'preflight',
      'packer-init',
      'image',
    ]);
    expect(names(buildUpPlan(env('stage'), ctx, { image: same, from: 'packer-init' }))).toContain(
      'image',
    );
    expect(names(buildUpPlan(env('stage'), ctx, { image: { currentHash: built.hash } }))).toContain(
      'image',
    );
  });

  it('packer init runs whenever the image is built, also with --from image and --only image', () => {
    expect(names(buildUpPlan(env('stage'), ctx, { from: 'image' }))).toEqual([
      'preflight',
      'packer-init',
      'image',
      'backend',
      'registry',
      'deploy',
      'inventory',
      'hosts',
      'check',
    ]);
    expect(names(buildUpPlan(env('stage'), ctx, { only: 'image' }))).toEqual([
      'preflight',
      'packer-init',
      'image',
    ]);
    expect(names(buildUpPlan(env('stage'), ctx, { only: 'packer-init' }))).toEqual([
      'preflight',
      'packer-init',
    ]);
    // When the image is not built, neither is init run.
    expect(names(buildUpPlan(env('stage'), ctx, { from: 'image', skipImage: true }))).toEqual([
      'preflight',
      'backend',
      'registry',
      'deploy',
      'inventory',
      'hosts',
      'check',
    ]);
    const same = { currentHash: built.hash, lastBuild: built };
    expect(names(buildUpPlan(env('stage'), ctx, { from: 'backend', image: same }))).not.toContain(
      'packer-init',
    );
  });

  it('labels the image with its source hash', () => {
    const plan = buildUpPlan(env('stage'), ctx, { image: { currentHash: 'c'.repeat(64) } });
    const image = plan.steps.find((s) => s.name === 'image')!;
    expect(JSON.parse(image.writes![0].content).image_labels['source-hash']).toBe(
      'cccccccccccccccc',
    );
  });
});

describe('destroy plan', () => {
  it('destroys the environment, never the backend or the registry', () => {
    const plan = buildDestroyPlan(env('prod'), ctx);
    expect(plan.command).toBe('destroy');
    expect(
      activeSteps(plan).map((s) =>
        s.kind === 'task' && s.task.type === 'terraform-apply' ? `apply ${s.task.stack}` : s.name,
      ),
    ).toEqual(['preflight', 'apply prod']);
    expect(preflight(plan).requirements).toEqual([
      'config',
      'gcp-project',
      'credentials',
      'cdktf',
      'terraform',
    ]);
  });

  it('--from and --only work for destroy too', () => {
    expect(names(buildDestroyPlan(env('stage'), ctx, { from: 'destroy' }))).toEqual([
      'preflight',
      'destroy',
    ]);
    expect(names(buildDestroyPlan(env('stage'), ctx, { only: 'destroy' }))).toEqual([
      'preflight',
      'destroy',
    ]);
  });
});
