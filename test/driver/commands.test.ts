import { EnvironmentConfig, resolveProject } from '../../config';
import { FIXTURE_PROJECT as PROJECT } from '../fixtures/project';
import {
  ansiblePlaybook,
  appVars,
  applyStep,
  cdktfOutput,
  httpCheck,
  inventory,
  packerBuild,
  packerInit,
  packerVars,
  PlanContext,
} from '../../driver/plan/tools';
import { outputsFileContent } from '../../driver/plan/terraform';

const KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOpsKeyOpsKeyOpsKeyOpsKeyOpsKeyOpsKey0000 ops@example';

/** The repository's real environments, resolved as on an operator's machine. */
function environments(): Record<string, EnvironmentConfig> {
  const project = resolveProject(
    {
      ...PROJECT,
      environments: PROJECT.environments.map((e) => ({
        ...e,
        ssh: { ...e.ssh, publicKeys: [KEY] },
      })),
    },
    { home: '/home/op' },
  );
  return Object.fromEntries(project.environments.map((e) => [e.name, e]));
}

const { stage, prod } = environments();

function ctx(env: string): PlanContext {
  return {
    root: '/repo',
    runDir: `/repo/.run/${env}/20250101T000000Z`,
    cdktf: '/repo/node_modules/.bin/cdktf',
    node: '/usr/bin/node',
  };
}

describe('command builders: exact argv', () => {
  it('packer init', () => {
    expect(packerInit(ctx('stage'))).toMatchObject({
      command: 'packer',
      args: ['init', 'packer/'],
      cwd: '/repo',
      env: {},
    });
  });

  it.each([
    ['stage', stage],
    ['prod', prod],
  ])(
    'packer build for %s reads the var file the driver writes into the run folder',
    (name, env) => {
      const step = packerBuild(ctx(name), env, 'f'.repeat(64));
      expect([step.command, ...step.args]).toEqual([
        'packer',
        'build',
        `-var-file=/repo/.run/${name}/20250101T000000Z/image.pkrvars.json`,
        'packer/',
      ]);
      expect(step.cwd).toBe('/repo');
      expect(step.writes).toEqual([
        {
          path: `/repo/.run/${name}/20250101T000000Z/image.pkrvars.json`,
          content: expect.any(String),
        },
      ]);
      expect(JSON.parse(step.writes![0].content)).toEqual(packerVars(env, 'f'.repeat(64)));
    },
  );

  it('packer variables come from the environment config', () => {
    expect(packerVars(prod, '0123456789abcdef0123')).toEqual({
      project_id: 'acme-docker-hosts',
      zone: 'europe-west1-d',
      image_family: 'docker-host-base',
      source_image_family: 'debian-13',
      source_image_project: 'debian-cloud',
      machine_type: 'e2-standard-2',
      ssh_username: 'packer',
      deploy_user: 'deploy',
      // role and managed-by are the template's own labels (packer/docker-host-base.pkr.hcl).
      image_labels: { 'source-hash': '0123456789abcdef', team: 'ops' },
      network: 'default',
      // prod allows SSH only from IAP: the build VM is reached through IAP too.
      use_iap: true,
    });
    expect(packerVars(stage).image_labels).not.toHaveProperty('source-hash');
    expect(packerVars(stage).machine_type).toBe('e2-small');
  });

  it('with OS Login the image keeps the local deploy user; the live hosts get the OS Login user', () => {
    const [osLogin] = resolveProject(
      {
        environments: [
          {
            name: 'lab',
            region: 'europe-west1',
            zone: 'europe-west1-b',
            projectId: 'acme-docker-hosts',
            ssh: { osLogin: true, user: 'ops_example_com' },
          },
        ],
      },
      { home: '/home/op' },
    ).environments;
    expect(packerVars(osLogin).deploy_user).toBe('deploy');
    expect(appVars(osLogin).deploy_user).toBe('ops_example_com');
  });

  it('apply backend: the saved plan, in the synthesized folder of the stack; a known failure gets its hint', () => {
    const step = applyStep(ctx('stage'), stage, 'backend');
    expect(step.task).toMatchObject({
      type: 'terraform-apply',
      stack: 'backend',
      apply: {
        command: 'terraform',
        args: [
          'apply',
          '-input=false',
          '-no-color',
          '-auto-approve',
          '/repo/.run/stage/20250101T000000Z/backend.tfplan',
        ],
        cwd: '/repo/.run/stage/20250101T000000Z/cdktf.out/stacks/backend',
      },
    });
    // The backend has no outputs anyone reads.
    expect(step.task.type === 'terraform-apply' && step.task.output).toBeUndefined();
    // GCS's answers when the bucket exists and this clone has no backend state.
    const hint = step.task.type === 'terraform-apply' ? step.task.hint! : undefined!;
    for (const text of [
      'Error: googleapi: Error 409: You already own this bucket. Please select another name., conflict',
      'Error creating bucket: googleapi: Error 409: The requested bucket name already exists',
    ]) {
      expect(hint.match.test(text)).toBe(true);
    }
    expect(hint.match.test('Error 403: permission denied on project')).toBe(false);
    expect(hint.text).toContain("set backendState: 'gcs' in config/environments.ts");
  });

  it.each([
    ['stage', stage],
    ['prod', prod],
  ])('apply %s writes the outputs file from terraform output -json', (name, env) => {
    const step = applyStep(ctx(name), env, 'deploy');
    expect(step.task).toMatchObject({
      stack: name,
      output: {
        command: 'terraform',
        args: ['output', '-json', '-no-color'],
        cwd: `/repo/.run/${name}/20250101T000000Z/cdktf.out/stacks/${name}`,
      },
      outputsFile: `/repo/.run/${name}/20250101T000000Z/outputs.json`,
    });
    // In the outputs contract's shape: { stack: { name: value } }.
    expect(
      JSON.parse(
        outputsFileContent(name, { app_port: { value: 9292, type: 'number', sensitive: false } }),
      ),
    ).toEqual({
      [name]: { app_port: 9292 },
    });
  });

  it('apply titles count the hosts', () => {
    expect(applyStep(ctx('stage'), stage, 'deploy').title).toBe('apply stage (1 host)');
    expect(applyStep(ctx('prod'), prod, 'deploy').title).toBe('apply prod (3 hosts)');
  });

  it.each([
    ['stage', stage],
    ['prod', prod],
  ])('inventory for %s renders the outputs file in process', (name, env) => {
    const step = inventory(ctx(name), env);
    const run = `/repo/.run/${name}/20250101T000000Z`;
    expect(step.task).toEqual({
      type: 'inventory',
      outputsFile: `${run}/outputs.json`,
      stack: name,
      out: `${run}/inventory.yml`,
    });
    expect(step.needs).toEqual([{ path: `${run}/outputs.json`, from: 'deploy' }]);
  });

  it.each([
    ['stage', stage, '1'],
    ['prod', prod, '3'],
  ])('ansible-playbook for %s: inventory, app vars, user, key and forks', (name, env, forks) => {
    const step = ansiblePlaybook(ctx(name), env);
    const run = `/repo/.run/${name}/20250101T000000Z`;
    expect([step.command, ...step.args]).toEqual([
      'ansible-playbook',
      '-i',
      `${run}/inventory.yml`,
      'playbooks/site.yml',
      '-e',
      `@${run}/app-vars.json`,
      '-e',
      `@${run}/registry-vars.json`,
      '-u',
      'deploy',
      '--private-key',
      '/home/op/.ssh/docker-hosts',
      '--forks',
      forks,
    ]);
    expect(step.cwd).toBe('/repo/ansible');
    expect(step.env).toEqual({
      ANSIBLE_CONFIG: '/repo/ansible/ansible.cfg',
      ANSIBLE_SSH_EXTRA_ARGS: `-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/repo/.run/${name}/known_hosts`,
    });
    expect(step.writes).toEqual([
      { path: `${run}/app-vars.json`, content: `${JSON.stringify(appVars(env), null, 2)}\n` },
    ]);
    expect(step.needs).toEqual([
      { path: `${run}/inventory.yml`, from: 'inventory' },
      { path: `${run}/registry-outputs.json`, from: 'registry' },
    ]);
    expect(appVars(env)).toEqual({
      app_image: 'vladimirdenisov69/otus-reddit:1.0',
      app_port: 9292,
      app_container_name: 'app',
      app_health_path: '/',
      deploy_user: 'deploy',
      app_serial: [1, '25%'],
      app_env: {},
      app_secrets: [],
      app_secrets_project: env.projectId,
      app_volumes: [],
      accessories: {},
    });
    expect(step.failureOutput).toBe('output');
  });

  it('env, secrets (ids, never values), volumes and accessories reach site.yml in the contract shapes', () => {
    const [env] = resolveProject(
      {
        environments: [
          {
            ...PROJECT.environments[1],
            ssh: { publicKeys: [KEY] },
            app: {
              env: { DATABASE_URL: 'docker-host-001:27017' },
              secrets: { SECRET_KEY_BASE: { secret: 'reddit-key', version: 4 } },
              volumes: ['uploads:/app/uploads:ro'],
            },
            accessories: {
              mongo: { image: 'mongo:4.4', port: 27017, volumes: ['mongo:/data/db'] },
              cache: { image: 'redis:7', host: 'docker-host-002', secrets: { PW: 'redis-pw' } },
            },
          },
        ],
      },
      { home: '/home/op' },
    ).environments;
    const vars = JSON.parse(ansiblePlaybook(ctx('prod'), env).writes![0].content);
    expect(vars).toMatchObject({
      app_env: { DATABASE_URL: 'docker-host-001:27017' },
      app_secrets: [{ name: 'SECRET_KEY_BASE', secret: 'reddit-key', version: '4' }],
      app_secrets_project: env.projectId,
      app_volumes: [{ source: 'uploads', target: '/app/uploads', read_only: true }],
      accessories: {
        cache: {
          image: 'redis:7',
          port: null,
          env: {},
          secrets: [{ name: 'PW', secret: 'redis-pw', version: 'latest' }],
          volumes: [],
          host: 'docker-host-002',
        },
        mongo: {
          image: 'mongo:4.4',
          port: 27017,
          env: {},
          secrets: [],
          volumes: [{ source: 'mongo', target: '/data/db', read_only: false }],
          host: 'docker-host-001',
        },
      },
    });
  });

  it("the rollout becomes site.yml's serial list; forks follow the host count", () => {
    const [big] = resolveProject(
      {
        environments: [
          {
            ...PROJECT.environments[1],
            ssh: { publicKeys: [KEY] },
            hostCount: 12,
            rollout: { canary: 2, batch: 5 },
          },
        ],
      },
      { home: '/home/op' },
    ).environments;
    const step = ansiblePlaybook(ctx('prod'), big);
    expect(step.args.slice(-2)).toEqual(['--forks', '12']);
    expect(appVars(big).app_serial).toEqual([2, 5]);
    expect(JSON.parse(step.writes![0].content).app_serial).toEqual([2, 5]);
  });

  it('the check is an in-process task on the outputs file', () => {
    expect(
      httpCheck(ctx('prod'), prod, { deadlineMs: 1000, attemptTimeoutMs: 100, intervalMs: 50 }),
    ).toEqual({
      kind: 'task',
      name: 'check',
      title: "check the app answers through prod's load balancer (/)",
      task: {
        type: 'http-check',
        outputsFile: '/repo/.run/prod/20250101T000000Z/outputs.json',
        stack: 'prod',
        path: '/',
        deadlineMs: 1000,
        attemptTimeoutMs: 100,
        intervalMs: 50,
      },
      needs: [{ path: '/repo/.run/prod/20250101T000000Z/outputs.json', from: 'deploy' }],
    });
  });

  it.each([
    ['stage', stage],
    ['prod', prod],
  ])('destroy %s applies its saved destroy plan, nothing else', (name, env) => {
    const step = applyStep(ctx(name), env, 'destroy');
    expect(step.task).toEqual({
      type: 'terraform-apply',
      stack: name,
      apply: {
        command: 'terraform',
        args: [
          'apply',
          '-input=false',
          '-no-color',
          '-auto-approve',
          `/repo/.run/${name}/20250101T000000Z/${name}.tfplan`,
        ],
        cwd: `/repo/.run/${name}/20250101T000000Z/cdktf.out/stacks/${name}`,
      },
    });
  });

  it('cdktf output', () => {
    expect(cdktfOutput(ctx('stage'), 'stage', '/tmp/o.json')).toEqual({
      command: '/repo/node_modules/.bin/cdktf',
      args: ['output', 'stage', '--outputs-file', '/tmp/o.json'],
      cwd: '/repo',
      env: { CHECKPOINT_DISABLE: '1' },
    });
  });
});
