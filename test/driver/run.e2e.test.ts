/**
 * The driver end to end, in-process, against fake packer/terraform/cdktf/ansible-playbook on PATH, the real
 * inventory step (in process), and a real HTTP server on loopback for the check step.
 */
import { EventEmitter } from 'node:events';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { resolveProject } from '../../config';
import { PlanContext } from '../../driver/plan/tools';
import { buildUpPlan } from '../../driver/plan/build';
import { activeSteps } from '../../driver/plan/steps';
import {
  callLines,
  calls,
  closedPort,
  PUBLIC_KEY,
  readJson,
  runDriver,
  Sandbox,
  testEnv,
  testSpec,
  App,
  sandboxAndAppEach,
  untilHanging,
} from './harness';
import { PROCESS_TEST_TIMEOUT_MS } from './timeout';
import { planFixture } from './recorded-run';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let sb: Sandbox;
let app: App;
sandboxAndAppEach((s, a) => ([sb, app] = [s, a]));

const state = () =>
  readJson(join(sb.runBase, 'stage', 'state.json')) as {
    lastRun: { up: string };
    image?: { hash: string };
  };
const env = (extra: Record<string, string | undefined> = {}) =>
  testEnv(sb, { FAKE_APP_PORT: String(app.port), ...extra });

describe('up', () => {
  it('plans, shows, and with --auto-approve applies the saved plans in order; the check hits every host', async () => {
    const plans = {
      FAKE_PLAN_JSON: planFixture('google-create'),
    };
    const result = await runDriver(['up', 'stage', '--auto-approve'], sb, {
      spec: testSpec(sb, app.port),
      env: env(plans),
    });
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const runDir = state().lastRun.up;

    const recorded = calls(sb);
    // The run synthesizes into its own folder; the backend's local state stays the repository's backend.tfstate.
    const stackDir = (stack: string) => join(runDir, 'cdktf.out', 'stacks', stack);
    const backendState = [`-backend-config=path=${join(sb.root, 'backend.tfstate')}`];
    const planned = (stack: string) => [
      [
        'terraform',
        stackDir(stack),
        'init',
        '-input=false',
        '-no-color',
        ...(stack === 'backend' ? backendState : []),
      ],
      [
        'terraform',
        stackDir(stack),
        'plan',
        '-input=false',
        '-no-color',
        '-lock-timeout=60s',
        `-out=${runDir}/${stack}.tfplan`,
      ],
      ['terraform', stackDir(stack), 'show', '-json', '-no-color', `${runDir}/${stack}.tfplan`],
    ];
    const apply = (stack: string) => [
      'terraform',
      stackDir(stack),
      'apply',
      '-input=false',
      '-no-color',
      '-auto-approve',
      `${runDir}/${stack}.tfplan`,
    ];
    const output = (stack: string) => [
      'terraform',
      stackDir(stack),
      'output',
      '-json',
      '-no-color',
    ];
    expect(recorded.map((c) => [c.tool, c.cwd, ...c.args])).toEqual([
      // Nothing changes before the plans are shown and approved: synth and plans first ...
      ['cdktf', sb.root, 'synth', '--output', join(runDir, 'cdktf.out')],
      ...planned('backend'),
      ...planned('registry'),
      ...planned('stage'),
      // ... then the image, and exactly the saved plans.
      ['packer', sb.root, 'init', 'packer/'],
      ['packer', sb.root, 'build', `-var-file=${runDir}/image.pkrvars.json`, 'packer/'],
      apply('backend'),
      apply('registry'),
      output('registry'),
      apply('stage'),
      output('stage'),
      [
        'ansible-playbook',
        join(sb.root, 'ansible'),
        '-i',
        `${runDir}/inventory.yml`,
        'playbooks/site.yml',
        '-e',
        `@${runDir}/app-vars.json`,
        '-e',
        `@${runDir}/registry-vars.json`,
        '-u',
        'deploy',
        '--private-key',
        sb.privateKey,
        '--forks',
        '2',
      ],
    ]);
    expect(
      recorded
        .filter((c) => c.tool !== 'ansible-playbook' && c.tool !== 'packer')
        .every((c) => c.checkpointDisable === '1'),
    ).toBe(true);
    expect(recorded[recorded.length - 1].ansibleConfig).toBe(
      join(sb.root, 'ansible', 'ansible.cfg'),
    );
    // The summary came before anything was applied.
    expect(result.out).toMatch(/Changes to stage \(saved plans in [^)]+\):\nbackend: \d+ to add/);
    expect(result.out).toContain('--auto-approve: applying the saved plan without asking');
    expect(result.out).toContain('hosts: every host runs example/app:1.0');

    // The same external commands, from the pure plan builder (the inventory step runs in process).
    const project = resolveProject(testSpec(sb, app.port));
    const ctx: PlanContext = { root: sb.root, runDir, cdktf: 'cdktf', node: process.execPath };
    const execs = activeSteps(buildUpPlan(project.environments[0], ctx)).flatMap((s) =>
      s.kind === 'exec' && s.command !== process.execPath ? [[s.command, ...s.args]] : [],
    );
    expect(
      recorded
        .filter((c) => c.tool === 'packer' || c.tool === 'ansible-playbook')
        .map((c) => [c.tool, ...c.args]),
    ).toEqual(execs);

    // Values flowed as files.
    expect(readJson(join(runDir, 'image.pkrvars.json'))).toMatchObject({
      project_id: 'test-project-123',
      zone: 'europe-west1-b',
    });
    expect(readJson(join(runDir, 'app-vars.json'))).toEqual({
      app_image: 'example/app:1.0',
      app_port: app.port,
      app_container_name: 'app',
      app_health_path: '/',
      // The sandbox is no git checkout and its environment has no USER: the records say so.
      app_release_commit: '',
      app_release_who: { __ansible_unsafe: 'unknown' },
      deploy_user: 'deploy',
      // The rollout's defaults: one canary host, then a quarter of the fleet at a time.
      app_serial: [1, '25%'],
      // No env, secrets, volumes or accessories in this config.
      app_env: {},
      app_secrets: [],
      app_secrets_project: 'test-project-123',
      app_volumes: [],
      accessories: {},
    });
    // The registry host Ansible gets is the registry stack's output for this environment, not derived from config.
    expect(readJson(join(runDir, 'registry-vars.json'))).toEqual({
      docker_host_registry_hosts: ['europe-west1-docker.pkg.dev'],
    });
    expect(readFileSync(join(runDir, 'inventory.yml'), 'utf8')).toContain('docker-host-002:');
    expect(app.hits()).toBe(2);

    // Progress, durations, a total, and one log per step.
    expect(result.out).toContain(`run folder ${runDir}`);
    expect(result.out).toMatch(/^\[1\/9\] check prerequisites ok \d+\.\ds$/m);
    expect(result.out).toMatch(
      /^\[5\/9\] apply registry \(the Docker repository of the project\) ok \d+\.\ds$/m,
    );
    expect(result.out).toMatch(/^\[6\/9\] apply stage \(2 hosts\) ok \d+\.\ds$/m);
    expect(result.out).toMatch(
      /^\[9\/9\] check the app answers on every stage host .* ok \d+\.\ds$/m,
    );
    expect(result.out).toMatch(/^done: up stage, 9 steps in \d+\.\ds/m);
    expect(readdirSync(join(runDir, 'logs')).sort()).toEqual([
      '01-preflight.log',
      '02-packer-init.log',
      '03-image.log',
      '04-backend.log',
      '05-registry.log',
      '06-deploy.log',
      '07-inventory.log',
      '08-hosts.log',
      '09-check.log',
    ]);
    const deployLog = readFileSync(join(runDir, 'logs', '06-deploy.log'), 'utf8');
    expect(deployLog).toContain(
      `$ terraform apply -input=false -no-color -auto-approve ${runDir}/stage.tfplan`,
    );
    expect(deployLog).toContain('Apply complete!');
    expect(deployLog).toContain('# ok');
    expect(readFileSync(join(runDir, 'logs', '09-check.log'), 'utf8')).toContain(
      'docker-host-001 http://127.0.0.1:',
    );
    expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
  });

  const failures: [string, string, Record<string, string>, string | undefined][] = [
    ['packer-init', 'packer init', { FAKE_FAIL: 'packer init' }, 'packer init packer/'],
    ['image', 'packer build', { FAKE_FAIL: 'packer build' }, 'packer build -var-file='],
    ['backend', 'terraform apply of backend', { FAKE_TF_FAIL_APPLY: 'backend' }, undefined],
    ['registry', 'terraform apply of registry', { FAKE_TF_FAIL_APPLY: 'registry' }, undefined],
    ['deploy', 'terraform apply of stage', { FAKE_TF_FAIL_APPLY: 'stage' }, undefined],
    ['inventory', 'broken outputs', { FAKE_OUTPUTS: 'broken' }, undefined],
    ['hosts', 'ansible-playbook', { FAKE_FAIL: 'ansible-playbook' }, 'ansible-playbook -i'],
    ['check', 'an app that does not answer', {}, undefined],
  ];
  const order = [
    'preflight',
    'packer-init',
    'image',
    'backend',
    'registry',
    'deploy',
    'inventory',
    'hosts',
    'check',
  ];

  it.each(failures)(
    'a failure at %s (%s) stops the run there, says why and how to resume',
    async (step, _why, extra, command) => {
      const port = step === 'check' ? await closedPort() : app.port;
      // An apply fails only where the plan changes something, which needs approving.
      const applies = extra.FAKE_TF_FAIL_APPLY !== undefined;
      const changes = applies ? { FAKE_PLAN_JSON: planFixture('google-create') } : {};
      const result = await runDriver(
        ['up', 'stage', '--check-timeout', '1', ...(applies ? ['--auto-approve'] : [])],
        sb,
        {
          spec: testSpec(sb, port),
          env: env({ FAKE_APP_PORT: String(port), ...changes, ...extra }),
        },
      );
      expect(result.code).toBe(1);
      const n = order.indexOf(step) + 1;
      expect(result.out).toMatch(new RegExp(`^\\[${n}/9\\] .* FAILED \\d+\\.\\ds$`, 'm'));
      expect(result.out).toContain(`stopped at step ${n} of 9`);
      expect(result.err).toContain(`Step "${step}" failed`);
      expect(result.err).toContain(
        `resume:    npx docker-hosts up stage --from ${step} --check-timeout 1`,
      );
      expect(result.err).toMatch(new RegExp(`log: +.*/logs/0${n}-${step}\\.log`));
      if (command !== undefined) {
        expect(result.err).toContain(`command:   ${command}`);
      }
      if (extra.FAKE_FAIL !== undefined) {
        // The fake printed 25 stderr lines and exited 3: the exit code and the last 20 lines are shown.
        const tool = extra.FAKE_FAIL.split(' ')[0];
        expect(result.err).toContain('exit code: 3');
        expect(result.err).toContain(`| ${tool} error line 25`);
        expect(result.err).toContain(`| ${tool} error line 6\n`);
        expect(result.err).not.toContain(`| ${tool} error line 5\n`);
      }
      if (extra.FAKE_TF_FAIL_APPLY !== undefined) {
        // An apply step: Terraform's command, its exit code, the tail of what it said; nothing after it ran.
        const stack = extra.FAKE_TF_FAIL_APPLY;
        expect(result.err).toMatch(
          new RegExp(
            `terraform apply -input=false -no-color -auto-approve \\S+/${stack}\\.tfplan failed \\(exit 3\\)`,
          ),
        );
        expect(result.err).toContain('terraform error line 25');
        const tools = callLines(sb);
        const failedAt = tools.findIndex(
          (l) => l.startsWith('terraform apply') && l.includes(`${stack}.tfplan`),
        );
        expect(failedAt).toBeGreaterThan(-1);
        expect(tools.slice(failedAt + 1)).toEqual([]);
      }
      if (step === 'inventory')
        expect(result.err).toContain('inventory: stack "stage": missing output "app_urls"');
      if (step === 'check') {
        expect(result.err).toMatch(
          /2 of 2 hosts did not answer on port \d+ within 1\.0s: docker-host-001, docker-host-002/,
        );
        expect(result.err).toMatch(
          /docker-host-002 +http:\/\/127\.0\.0\.1:\d+\/ +connection refused/,
        );
      }
      // Nothing after the failed step ran.
      const tools = callLines(sb);
      const ranAfter = {
        'packer-init': 'packer build',
        image: 'terraform apply',
      } as Record<string, string>;
      if (ranAfter[step] !== undefined) {
        const failedAt = tools.findIndex((l) =>
          l.startsWith(command!.split(' -')[0].replace(/ packer\/$/, '')),
        );
        expect(tools.slice(failedAt + 1)).toEqual([]);
      }
      if (step === 'inventory')
        expect(tools.some((l) => l.startsWith('ansible-playbook'))).toBe(false);
      expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
    },
  );

  it('a backend step that fails because the bucket exists adds a hint on the missing backend state', async () => {
    const spec = testSpec(sb, app.port);
    const exists =
      '│ Error: googleapi: Error 409: You already own this bucket. Please select another name., conflict';
    const changes = {
      FAKE_PLAN_JSON: planFixture('google-create'),
    };
    const up = ['up', 'stage', '--skip-image', '--auto-approve'];
    const failed = await runDriver(up, sb, {
      spec,
      env: env({ ...changes, FAKE_TF_FAIL_APPLY: 'backend', FAKE_FAIL_OUTPUT: exists }),
    });
    expect(failed.code).toBe(1);
    // Matched against the step's whole output, not only the lines shown (stdout and stderr interleave).
    expect(failed.err).toMatch(
      /\n +hint: +the state bucket exists, but this clone has no backend state \(\.\/backend\.tfstate, backendState: "local"\): set backendState: 'gcs' in config\/environments\.ts .* or copy backend\.tfstate from the machine that created the bucket/,
    );
    expect(failed.err.indexOf('hint:')).toBeLessThan(failed.err.indexOf('resume:'));

    // Another failure of the same step: no hint. The same text from another step: no hint either.
    const other = await runDriver(up, sb, {
      spec,
      env: env({ ...changes, FAKE_TF_FAIL_APPLY: 'backend' }),
    });
    expect(other.code).toBe(1);
    expect(other.err).not.toContain('hint:');
    const deploy = await runDriver(up, sb, {
      spec,
      env: env({ ...changes, FAKE_TF_FAIL_APPLY: 'stage', FAKE_FAIL_OUTPUT: exists }),
    });
    expect(deploy.code).toBe(1);
    expect(deploy.err).toContain('Step "deploy" failed');
    expect(deploy.err).not.toContain('hint:');
  });

  it('--from resumes in the same run folder after a failure', async () => {
    const spec = testSpec(sb, app.port);
    const changes = {
      FAKE_PLAN_JSON: planFixture('google-create'),
    };
    const failed = await runDriver(['up', 'stage', '--auto-approve'], sb, {
      spec,
      env: env({ ...changes, FAKE_TF_FAIL_APPLY: 'stage' }),
    });
    expect(failed.code).toBe(1);
    const runDir = state().lastRun.up;
    writeFileSync(sb.log, '');

    // The resumed run plans the stage stack again (its state may have moved) and applies that new plan.
    const resumed = await runDriver(['up', 'stage', '--from', 'deploy', '--auto-approve'], sb, {
      spec,
      env: env(changes),
    });
    expect(resumed.err).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain('continuing in the last run folder');
    expect(callLines(sb)).toEqual([
      `cdktf synth --output ${runDir}/cdktf.out`,
      'terraform init -input=false -no-color',
      `terraform plan -input=false -no-color -lock-timeout=60s -out=${runDir}/stage.tfplan`,
      `terraform show -json -no-color ${runDir}/stage.tfplan`,
      `terraform apply -input=false -no-color -auto-approve ${runDir}/stage.tfplan`,
      'terraform output -json -no-color',
      expect.stringMatching(/^ansible-playbook -i /),
    ]);
    expect(resumed.out).toMatch(/^\[1\/5\] check prerequisites ok/m);
    expect(resumed.out).toMatch(/skip packer-init, image, backend, registry: before --from deploy/);
    // The failed attempt and the resumed one are both in the step's log.
    const log = readFileSync(join(runDir, 'logs', '06-deploy.log'), 'utf8');
    expect(log).toContain('# failed: terraform apply');
    expect(log).toContain('# ok');
  });

  it('--only runs one step; a step whose input is missing says which step makes it', async () => {
    const spec = testSpec(sb, app.port);
    const fresh = await runDriver(['up', 'stage', '--only', 'inventory'], sb, { spec, env: env() });
    expect(fresh.code).toBe(1);
    expect(fresh.err).toMatch(
      /needs .*outputs\.json, which step "deploy" writes: run it first \(--from deploy\)/,
    );
    expect(calls(sb)).toEqual([]);

    expect((await runDriver(['up', 'stage'], sb, { spec, env: env() })).code).toBe(0);
    writeFileSync(sb.log, '');
    const only = await runDriver(['up', 'stage', '--only', 'hosts'], sb, { spec, env: env() });
    expect(only.code).toBe(0);
    expect(callLines(sb)).toEqual([expect.stringMatching(/^ansible-playbook /)]);
    expect(only.out).toMatch(/^\[2\/2\] configure stage hosts/m);
  });

  it('the hosts step refuses registry outputs without this environment, in one line, and runs no Ansible', async () => {
    const spec = testSpec(sb, app.port);
    const full = await runDriver(['up', 'stage'], sb, {
      spec,
      env: env({ FAKE_ENVIRONMENTS: 'prod' }),
    });
    expect(full.code).toBe(1);
    expect(full.err).toContain('Step "hosts" failed');
    expect(full.err).toMatch(
      /registry-outputs\.json: stack "registry": output "environment_registry_hosts" has no entry for environment "stage" \(.*--from registry\)/,
    );
    expect(callLines(sb).some((l) => l.startsWith('ansible-playbook'))).toBe(false);
    // Redeploying the registry (it now knows stage) and resuming from it gets through.
    const resumed = await runDriver(['up', 'stage', '--from', 'registry'], sb, {
      spec,
      env: env(),
    });
    expect(resumed.code).toBe(0);
    expect(readJson(join(state().lastRun.up, 'registry-vars.json'))).toEqual({
      docker_host_registry_hosts: ['europe-west1-docker.pkg.dev'],
    });
  });

  it('skips the image build when its sources are unchanged, and rebuilds after a change', async () => {
    const spec = testSpec(sb, app.port);
    expect((await runDriver(['up', 'stage'], sb, { spec, env: env() })).code).toBe(0);
    expect(state().image?.hash).toMatch(/^[0-9a-f]{64}$/);

    writeFileSync(sb.log, '');
    const second = await runDriver(['up', 'stage'], sb, { spec, env: env() });
    expect(second.code).toBe(0);
    expect(second.out).toMatch(
      /skip packer-init, image: the image's sources \(packer\/, the Ansible it runs\) are unchanged since/,
    );
    expect(callLines(sb).filter((l) => l.startsWith('packer'))).toEqual([]);

    appendFileSync(
      join(sb.root, 'ansible/roles/docker_host/tasks/main.yml'),
      '- name: one more task\n',
    );
    writeFileSync(sb.log, '');
    expect((await runDriver(['up', 'stage'], sb, { spec, env: env() })).code).toBe(0);
    expect(callLines(sb).filter((l) => l.startsWith('packer'))).toEqual([
      'packer init packer/',
      expect.stringMatching(/^packer build/),
    ]);

    // ansible.cfg is part of what Packer runs too.
    appendFileSync(join(sb.root, 'ansible/ansible.cfg'), 'forks = 5\n');
    writeFileSync(sb.log, '');
    expect((await runDriver(['up', 'stage'], sb, { spec, env: env() })).code).toBe(0);
    expect(callLines(sb).filter((l) => l.startsWith('packer build'))).toHaveLength(1);
  });

  it('on a terminal: one line per step, rewritten in place, in colour', async () => {
    const result = await runDriver(['up', 'stage', '--only', 'backend'], sb, {
      spec: testSpec(sb, app.port),
      env: env(),
      tty: true,
    });
    expect(result.code).toBe(0);
    expect(result.out).toContain('\r\x1b[2K[2/2] apply backend (state buckets) … 0s');
    /* eslint-disable no-control-regex */
    expect(result.out).toMatch(
      /\r\x1b\[2K\[2\/2\] apply backend \(state buckets\) \x1b\[32mok\x1b\[39m \d+\.\ds\n/,
    );
    /* eslint-enable no-control-regex */
    const plain = await runDriver(['up', 'stage', '--only', 'backend'], sb, {
      spec: testSpec(sb, app.port),
      env: env({ NO_COLOR: '1' }),
      tty: true,
    });
    expect(plain.out).toMatch(/\[2\/2\] apply backend \(state buckets\) ok \d+\.\ds\n/);
  });

  it('--dry-run prints every command, its cwd and added env, and runs nothing', async () => {
    const result = await runDriver(['up', 'prod', '--dry-run'], sb, {
      spec: testSpec(sb, app.port),
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(calls(sb)).toEqual([]);
    expect(existsSync(sb.runBase)).toBe(false);
    const out = result.out;
    expect(out).toContain(
      'Plan for "up prod": 9 of 9 steps (dry run: nothing runs, nothing is written)',
    );
    expect(out).toMatch(
      /\[4\/9\] backend: apply backend[\s\S]*in-process, after the plan was shown and approved: \$ terraform apply -input=false -no-color -auto-approve \S+\/backend\.tfplan\n {6}cwd: \S+\/cdktf\.out\/stacks\/backend\n/,
    );
    expect(out).toMatch(
      /\$ ansible-playbook -i \S+\/inventory\.yml playbooks\/site\.yml -e @\S+\/app-vars\.json -e @\S+\/registry-vars\.json -u deploy --private-key \S+/,
    );
    expect(out).toMatch(
      /\[5\/9\] registry: apply registry[\s\S]*\$ terraform apply [^\n]*registry\.tfplan\n {6}cwd: \S+\/cdktf\.out\/stacks\/registry\n {6}then \$ terraform output -json -no-color → \S+\/registry-outputs\.json\n/,
    );
    expect(out).toMatch(
      /writes \S+\/registry-vars\.json: \{"docker_host_registry_hosts":\[<output environment_registry_hosts\["prod"\] of stack registry in \S+\/registry-outputs\.json>\]\}\n {6}reads {2}\S+\/inventory\.yml \(from inventory\)\n {6}reads {2}\S+\/registry-outputs\.json \(from registry\)/,
    );
    expect(out).toContain(`env: ANSIBLE_CONFIG=${sb.root}/ansible/ansible.cfg`);
    expect(out).toMatch(/writes \S+image\.pkrvars\.json: \{"project_id":"test-project-123"/);
    expect(out).toMatch(/\[9\/9\] check: [\s\S]*in-process: HTTP GET <app_url>\/ of every host/);
    expect(out).toContain(
      'before any step: cdktf synth, then terraform init, plan -out and show -json of backend, registry, prod; the summary; approval',
    );
  });

  it('`npm run pipeline stage --dry-run` without `--`: npm took --dry-run, so nothing runs and the right line is shown', async () => {
    // What npm leaves a script it ran with `npm run pipeline stage --dry-run`: argv ['stage'], the flag in its env.
    const npmEnv = {
      ...env(),
      npm_lifecycle_event: 'pipeline',
      npm_command: 'run-script',
      npm_config_dry_run: 'true',
    };
    const result = await runDriver(['stage'], sb, { spec: testSpec(sb, app.port), env: npmEnv });
    expect(result.code).toBe(2);
    expect(calls(sb)).toEqual([]);
    expect(existsSync(sb.runBase)).toBe(false);
    expect(result.err).toContain('error: npm took --dry-run for itself');
    expect(result.err).toContain(
      'so nothing was run: use npx docker-hosts stage --dry-run (or npm run pipeline -- stage --dry-run)',
    );
    // The same line with `--` reaches the driver: it runs (here, the dry run).
    const passed = await runDriver(['stage', '--dry-run'], sb, {
      spec: testSpec(sb, app.port),
      env: npmEnv,
    });
    expect(passed.code).toBe(0);
    expect(passed.out).toContain('dry run: nothing runs');
  });
});

describe('preflight', () => {
  it('lists every missing prerequisite at once, with its fix, and runs nothing', async () => {
    const spec = testSpec(sb, app.port, {
      projectId: undefined,
      // Like the repository's stage: SSH only from IAP, so Ansible tunnels through gcloud.
      sshSourceRanges: ['35.235.240.0/20'],
      ssh: { publicKeys: [PUBLIC_KEY], privateKeyFile: join(sb.home, 'no-such-key') },
    });
    const result = await runDriver(['up', 'stage'], sb, {
      spec,
      env: {
        PATH: join(sb.dir, 'empty-bin'),
        HOME: sb.home,
        DOCKER_HOSTS_RUN_DIR: sb.runBase,
        DOCKER_HOSTS_CDKTF: 'cdktf',
        FAKE_LOG: sb.log,
      },
    });
    expect(result.code).toBe(1);
    expect(calls(sb)).toEqual([]);
    const err = result.err;
    // Before any plan (terraform init would read the placeholder project's bucket): logins first, with their fix.
    expect(err.split('\n').slice(0, 3)).toEqual([
      'preflight: 8 of 13 prerequisites are missing (before any plan: nothing was run)',
      `  ✗ credentials: no Application Default Credentials (${join(sb.home, '.config', 'gcloud', 'application_default_credentials.json')})`,
      '      fix: run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a key file)',
    ]);
    for (const expected of [
      'GCP project: none set for "stage"',
      'fix: set projectId for "stage" in config/environments.ts',
      // The repository's stage is IAP-only, so Ansible tunnels through gcloud.
      'gcloud: not found on PATH',
      'credentials: no Application Default Credentials',
      'fix: run `gcloud auth application-default login`',
      'packer: not found on PATH',
      'cdktf: cdktf not found',
      'terraform: not found on PATH',
      'ansible-playbook: not found on PATH',
      `SSH private key (ssh.privateKeyFile): ${join(sb.home, 'no-such-key')} does not exist`,
      'fix: ssh-keygen -t ed25519 -f',
    ]) {
      expect(err).toContain(expected);
    }
    expect(result.out).toBe('');
  });

  it('reports a tool that is too old, and a config that does not validate with everything else', async () => {
    const old = await runDriver(['up', 'stage'], sb, {
      spec: testSpec(sb, app.port),
      env: env({ FAKE_PACKER_VERSION: '1.6.6', FAKE_TERRAFORM_VERSION: '1.4.7' }),
    });
    expect(old.code).toBe(1);
    expect(old.err).toContain(
      'packer 1.6.6 is too old: `packer init` and HCL2 required_plugins need 1.7 or later',
    );
    expect(old.err).toContain(
      'terraform 1.4.7 is too old: CI proves the stacks on Terraform 1.5.7',
    );
    expect(old.err).toContain('2 of 12 prerequisites are missing');

    const bad = testSpec(sb, app.port, { hostCount: 0 });
    const broken = await runDriver(['up', 'stage'], sb, {
      spec: bad,
      env: { ...env(), GOOGLE_APPLICATION_CREDENTIALS: '/nope.json' },
    });
    expect(broken.code).toBe(2);
    expect(broken.err).toContain(
      'config error: environment "stage": field "hostCount" must be an integer from 1 to 50 (got 0)',
    );
    expect(broken.err).toContain(
      'GOOGLE_APPLICATION_CREDENTIALS points at /nope.json, which does not exist',
    );
    expect(calls(sb)).toEqual([]);
  });
});

describe('lock', () => {
  it('a second run on the same environment refuses while the first holds the lock', async () => {
    const lock = join(sb.runBase, 'stage', 'lock');
    mkdirSync(lock, { recursive: true });
    writeFileSync(
      join(lock, 'details.json'),
      JSON.stringify({
        pid: process.pid,
        command: 'up stage',
        startedAt: '2025-01-01T00:00:00.000Z',
      }),
    );
    const result = await runDriver(['up', 'stage'], sb, {
      spec: testSpec(sb, app.port),
      env: env(),
    });
    expect(result.code).toBe(3);
    expect(result.err).toContain(`another run holds ${lock}: pid ${process.pid} (up stage)`);
    expect(calls(sb)).toEqual([]);
    // Another environment is not blocked.
    expect(
      (
        await runDriver(['up', 'prod', '--only', 'backend'], sb, {
          spec: testSpec(sb, app.port),
          env: env(),
        })
      ).code,
    ).toBe(0);
  });

  it('a lock left by a process that is gone is taken over', async () => {
    const lock = join(sb.runBase, 'stage', 'lock');
    mkdirSync(lock, { recursive: true });
    writeFileSync(
      join(lock, 'details.json'),
      JSON.stringify({ pid: 2 ** 22 + 12345, command: 'up stage', startedAt: 'yesterday' }),
    );
    const result = await runDriver(['up', 'stage', '--only', 'backend'], sb, {
      spec: testSpec(sb, app.port),
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(result.err).toContain('took over a stale lock');
    expect(existsSync(lock)).toBe(false);
  });
});

describe('lock status and lock release', () => {
  it('show who holds the locks, and remove a lock its run left behind', async () => {
    const spec = testSpec(sb, app.port);
    const lock = join(sb.runBase, 'stage', 'lock');
    const none = await runDriver(['lock', 'status', 'stage'], sb, { spec, env: env() });
    expect(none.code).toBe(0);
    expect(none.out).toBe(`${lock}: not locked\n.run/cdktf.lock: not locked\n`);
    mkdirSync(lock, { recursive: true });
    const gone = 2 ** 22 + 12345;
    writeFileSync(
      join(lock, 'details.json'),
      JSON.stringify({ pid: gone, command: 'up stage', startedAt: 'T' }),
    );
    const held = await runDriver(['lock', 'status', 'stage'], sb, { spec, env: env() });
    expect(held.out).toContain(
      `${lock}: locked: pid ${gone} (that process is gone), up stage, started T`,
    );
    const released = await runDriver(['lock', 'release', 'stage'], sb, { spec, env: env() });
    expect(released.code).toBe(0);
    expect(released.out).toContain(
      `${lock}: released (it was held by pid ${gone} (that process is gone), up stage`,
    );
    expect(existsSync(lock)).toBe(false);
    expect(
      (await runDriver(['up', 'stage', '--only', 'backend'], sb, { spec, env: env() })).code,
    ).toBe(0);
  });

  it('lock release refuses a holder alive on this machine, naming its pid and command; --force says what it risks', async () => {
    const spec = testSpec(sb, app.port);
    const lock = join(sb.runBase, 'stage', 'lock');
    mkdirSync(lock, { recursive: true });
    writeFileSync(
      join(lock, 'details.json'),
      JSON.stringify({ pid: process.pid, command: 'up stage', startedAt: 'T' }),
    );
    const refused = await runDriver(['lock', 'release', 'stage'], sb, { spec, env: env() });
    expect(refused.code).toBe(3);
    expect(refused.err).toBe(
      `error: ${lock} is held by pid ${process.pid}, up stage, started T: process ${process.pid} is alive on this ` +
        `machine: stop that run (Ctrl-C) or let it finish; nothing released (if pid ${process.pid} is not that run ` +
        'any more, --force releases the lock)\n',
    );
    expect(existsSync(lock)).toBe(true);
    const forced = await runDriver(['lock', 'release', 'stage', '--force'], sb, {
      spec,
      env: env(),
    });
    expect(forced.code).toBe(0);
    expect(forced.out).toContain(
      `${lock}: released with --force: if its run still goes, it now runs without its lock`,
    );
    expect(existsSync(lock)).toBe(false);
  });

  it('lock release of a holder on another machine needs --force; lock details are printed without control characters', async () => {
    const spec = testSpec(sb, app.port);
    const lock = join(sb.runBase, 'stage', 'lock');
    mkdirSync(lock, { recursive: true });
    const details = {
      pid: 77,
      command: 'up stage\u001b[2J\nrm -rf ~',
      startedAt: 'T\r',
      holder: 'ops@elsewhere',
    };
    writeFileSync(join(lock, 'details.json'), JSON.stringify(details));
    const status = await runDriver(['lock', 'status', 'stage'], sb, { spec, env: env() });
    expect(status.out).toContain(
      `${lock}: locked: pid 77, up stage\\u001b[2J\\u000arm -rf ~, started T\\u000d by ops@elsewhere\n`,
    );
    expect(status.out).not.toContain('\u001b');
    expect(status.out).not.toContain('\r');
    const refused = await runDriver(['lock', 'release', 'stage'], sb, { spec, env: env() });
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('cannot be checked from here: if it is over, add --force');
    expect(refused.err.split('\n')).toHaveLength(2);
    expect(existsSync(lock)).toBe(true);
    const forced = await runDriver(['lock', 'release', 'stage', '--force'], sb, {
      spec,
      env: env(),
    });
    expect(forced.code).toBe(0);
    expect(forced.out).toContain(
      'released with --force: if its run still goes, it now runs without its lock',
    );
    expect(existsSync(lock)).toBe(false);
  });

  it('a refusal names the release command', async () => {
    const lock = join(sb.runBase, 'stage', 'lock');
    mkdirSync(lock, { recursive: true });
    writeFileSync(
      join(lock, 'details.json'),
      JSON.stringify({ pid: process.pid, command: 'up stage', startedAt: 'T' }),
    );
    const result = await runDriver(['up', 'stage'], sb, {
      spec: testSpec(sb, app.port),
      env: env(),
    });
    expect(result.code).toBe(3);
    expect(result.err).toContain(
      'If that process is not a driver run any more: npx docker-hosts lock release stage',
    );
  });
});

describe('locks as Terraform scopes them', () => {
  const cdktfLock = () => join(sb.root, '.run', 'cdktf.lock');

  it("another environment plans and applies while one plans; the same environment waits, naming the holder's command", async () => {
    const signals = new EventEmitter();
    const spec = testSpec(sb, app.port);
    const changes = planFixture('google-create');
    const first = runDriver(['up', 'stage', '--skip-image', '--auto-approve'], sb, {
      spec,
      env: env({ FAKE_HANG: 'terraform plan', FAKE_PLAN_JSON: changes }),
      signals,
    });
    await untilHanging(sb);
    expect(existsSync(cdktfLock())).toBe(false);
    expect(
      JSON.parse(readFileSync(join(sb.runBase, 'stage', 'lock', 'details.json'), 'utf8')),
    ).toMatchObject({
      pid: process.pid,
      command: 'up stage',
      environment: 'stage',
    });

    const prod = await runDriver(['up', 'prod', '--skip-image', '--auto-approve'], sb, {
      spec,
      env: env({ FAKE_PLAN_JSON: changes }),
    });
    expect([prod.code, prod.err]).toEqual([0, '']);
    const prodRun = (
      JSON.parse(readFileSync(join(sb.runBase, 'prod', 'state.json'), 'utf8')) as {
        lastRun: { up: string };
      }
    ).lastRun.up;
    const prodCalls = calls(sb).filter((c) => c.tool === 'terraform' && c.cwd.includes('/prod/'));
    expect(prodCalls.filter((c) => c.args[0] === 'apply')).toHaveLength(3);
    expect(prodCalls.every((c) => c.cwd.startsWith(join(prodRun, 'cdktf.out', 'stacks')))).toBe(
      true,
    );

    const again = await runDriver(['plan', 'stage'], sb, { spec, env: env() });
    expect(again.code).toBe(3);
    expect(again.err).toContain(
      `another run holds ${join(sb.runBase, 'stage', 'lock')}: pid ${process.pid} (up stage), started `,
    );
    // The hint releases the holder's environment.
    expect(again.err).toContain('npx docker-hosts lock release stage');

    signals.emit('SIGINT');
    expect((await first).code).toBe(130);
    expect(existsSync(join(sb.runBase, 'stage', 'lock'))).toBe(false);
  });

  it('only `cdktf output` takes the cdktf lock; --dry-run names the lock and where synth writes', async () => {
    const spec = testSpec(sb, app.port);
    mkdirSync(cdktfLock(), { recursive: true });
    writeFileSync(
      join(cdktfLock(), 'details.json'),
      JSON.stringify({
        pid: process.pid,
        command: 'status stage',
        startedAt: '2025-01-01T00:00:00.000Z',
      }),
    );
    const status = await runDriver(['status', 'prod'], sb, { spec, env: env() });
    expect(status.code).toBe(3);
    expect(status.err).toContain(
      `pid ${process.pid} (status stage), started 2025-01-01T00:00:00.000Z`,
    );
    const up = await runDriver(['up', 'prod', '--skip-image', '--auto-approve'], sb, {
      spec,
      env: env(),
    });
    expect([up.code, up.err]).toEqual([0, '']);
    const dry = await runDriver(['up', 'prod', '--dry-run'], sb, { spec, env: env() });
    expect(dry.out).toMatch(
      new RegExp(
        `lock: ${join(sb.runBase, 'prod', 'lock')} \\(cdktf synth writes into ${join(sb.runBase, 'prod')}/\\d{8}T\\d{6}Z(-\\d+)?/cdktf\\.out: no lock shared with other environments\\)`,
      ),
    );
  });
});

describe('interrupt', () => {
  /** Runs the driver until the fake tool named by FAKE_HANG hangs, then sends one SIGINT; the result. */
  async function interruptWhenHanging(argv: string[], extra: Record<string, string>) {
    const signals = new EventEmitter();
    const running = runDriver(argv, sb, { spec: testSpec(sb, app.port), env: env(extra), signals });
    expect(await untilHanging(sb)).toBe(true);
    signals.emit('SIGINT');
    return { result: await running, signals };
  }

  it('Ctrl-C forwards SIGINT to the running child, waits for it, says where it stopped, exits 130', async () => {
    const { result, signals } = await interruptWhenHanging(['up', 'stage'], {
      FAKE_HANG: 'ansible-playbook',
    });
    expect(result.code).toBe(130);
    expect(readFileSync(`${sb.log}.signals`, 'utf8')).toBe('ansible-playbook got SIGINT\n');
    expect(result.out).toMatch(/^\[8\/9\] configure stage hosts .* INTERRUPTED/m);
    expect(result.err).toContain('Interrupted (SIGINT) at step "hosts"');
    expect(result.err).toContain('resume:    npx docker-hosts up stage --from hosts');
    expect(app.hits()).toBe(0);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('in an in-process step too: terraform apply gets SIGINT once and is waited for, then exit 130', async () => {
    const { result } = await interruptWhenHanging(
      ['up', 'stage', '--skip-image', '--auto-approve'],
      {
        FAKE_PLAN_JSON: planFixture('google-create'),
        FAKE_HANG: 'terraform apply',
      },
    );
    expect(result.code).toBe(130);
    // Waited for: Terraform said it stopped before the driver returned; SIGINT, as from the terminal, not SIGTERM.
    expect(readFileSync(`${sb.log}.signals`, 'utf8')).toBe('terraform got SIGINT\n');
    expect(result.err).toContain('Interrupted (SIGINT) at step "backend"');
    expect(result.err).toContain(
      'resume:    npx docker-hosts up stage --from backend --skip-image',
    );
    expect(callLines(sb).filter((l) => l.startsWith('terraform apply'))).toHaveLength(1);
  });
});

describe('destroy', () => {
  it('destroys the environment, never the backend or the registry', async () => {
    const spec = testSpec(sb, app.port);
    const destroyPlan = {
      FAKE_PLAN_JSON: planFixture('google-destroy'),
    };
    const result = await runDriver(['destroy', 'stage', '--yes'], sb, {
      spec,
      env: env(destroyPlan),
    });
    expect(result.code).toBe(0);
    const runDir = readdirSync(join(sb.runBase, 'stage')).find((d) => d.endsWith('-destroy'))!;
    const planFile = join(sb.runBase, 'stage', runDir, 'stage.tfplan');
    expect(callLines(sb)).toEqual([
      `cdktf synth --output ${join(sb.runBase, 'stage', runDir, 'cdktf.out')}`,
      'terraform init -input=false -no-color',
      `terraform plan -input=false -no-color -destroy -lock-timeout=60s -out=${planFile}`,
      `terraform show -json -no-color ${planFile}`,
      `terraform apply -input=false -no-color -auto-approve ${planFile}`,
    ]);
    expect(result.out).toContain('host docker-host-002 is destroyed');
    // The env stack's own registry-reader binding goes; no backend or registry stack is planned.
    expect(result.out).not.toMatch(/^(backend|registry): /m);
    expect(result.out).not.toContain('Changes to registry');
  });

  it('--include-backend is not an option: the driver never destroys the state backend', async () => {
    const spec = testSpec(sb, app.port);
    const refused = await runDriver(['destroy', 'prod', '--yes', '--include-backend'], sb, {
      spec,
      env: env(),
    });
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('error: unknown option "--include-backend"');
    expect(calls(sb)).toEqual([]);
    expect(existsSync(sb.runBase)).toBe(false);
  });

  it('shows the destroy plan and asks: refuses without a terminal, and unless the environment name is typed', async () => {
    const spec = testSpec(sb, app.port);
    const destroyPlan = env({
      FAKE_PLAN_JSON: planFixture('google-destroy'),
    });
    const applied = () => callLines(sb).filter((l) => l.startsWith('terraform apply'));
    const noTty = await runDriver(['destroy', 'stage'], sb, { spec, env: destroyPlan });
    expect(noTty.code).toBe(4);
    expect(noTty.out).toMatch(/stage: 0 to add, 0 to change, 0 to replace, 11 to destroy/);
    expect(noTty.err).toContain('without a terminal');
    const wrong = await runDriver(['destroy', 'stage'], sb, {
      spec,
      env: destroyPlan,
      ask: async () => 'prod',
    });
    expect(wrong.code).toBe(4);
    expect(applied()).toEqual([]);
    const questions: string[] = [];
    const right = await runDriver(['destroy', 'stage'], sb, {
      spec,
      env: destroyPlan,
      ask: async (q) => (questions.push(q), 'stage'),
    });
    expect(right.code).toBe(0);
    expect(questions).toEqual(['Apply these changes to stage? Type the environment name: ']);
    expect(applied()).toHaveLength(1);
  });
});

describe('env and status', () => {
  it('env quotes every path it prints as shell (a key file in a folder with a space)', async () => {
    const key = join(sb.dir, 'my keys', 'id');
    mkdirSync(join(sb.dir, 'my keys'));
    writeFileSync(key, readFileSync(sb.privateKey), { mode: 0o600 });
    const base = testSpec(sb, app.port);
    const ssh = { ...base.environments[0].ssh, privateKeyFile: key };
    const spec = testSpec(sb, app.port, { ssh });
    expect((await runDriver(['up', 'stage', '--skip-image'], sb, { spec, env: env() })).code).toBe(
      0,
    );
    const shown = await runDriver(['env', 'stage'], sb, { spec, env: env() });
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`ssh-add '${key}'\n`);
  });

  it('env prints DOCKER_HOST lines for the first or a named host of the last deploy', async () => {
    const spec = testSpec(sb, app.port);
    expect((await runDriver(['up', 'stage', '--skip-image'], sb, { spec, env: env() })).code).toBe(
      0,
    );
    writeFileSync(sb.log, '');
    const first = await runDriver(['env', 'stage'], sb, { spec, env: env() });
    expect(first.code).toBe(0);
    expect(first.out.split('\n')[0]).toBe('export DOCKER_HOST=ssh://deploy@127.0.0.1');
    expect(first.out).toContain('# eval "$(npx docker-hosts env stage)"');
    expect(first.out).toContain(
      '# after the host is replaced (same static IP, new host key): ssh-keygen -R 127.0.0.1',
    );
    expect(
      (await runDriver(['env', 'stage', 'docker-host-002'], sb, { spec, env: env() })).out,
    ).toContain('# docker-host-002 (stage, europe-west1-b)');
    const unknown = await runDriver(['env', 'stage', 'docker-host-009'], sb, { spec, env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(
      'unknown host "docker-host-009" in stage; hosts are: docker-host-001, docker-host-002',
    );
    expect((await runDriver(['env', 'stage', '--unset'], sb, { spec, env: env() })).out).toMatch(
      /^unset DOCKER_HOST$/m,
    );
    expect(calls(sb)).toEqual([]);
  });

  it('env for IAP-reached hosts points DOCKER_HOST at an SSH alias that tunnels through gcloud', async () => {
    const spec = testSpec(sb, app.port);
    const result = await runDriver(['env', 'stage', 'docker-host-002', '--refresh'], sb, {
      spec,
      env: env({ FAKE_SSH_VIA: 'iap' }),
    });
    expect(result.code).toBe(0);
    expect(result.out.split('\n').slice(0, 10)).toEqual([
      'export DOCKER_HOST=ssh://stage-docker-host-002',
      '# docker-host-002 (stage, europe-west1-b) is reached through IAP; add this to ~/.ssh/config',
      '# (and update it when the host is replaced: its instance id, so its host-key alias, changes):',
      '#   Host stage-docker-host-002',
      '#     User deploy',
      `#     IdentityFile ${sb.privateKey}`,
      // The host-key name and file the Ansible runs use too: a replaced host is a new key, not an attack.
      '#     HostKeyAlias docker-host-002-70000000000000002',
      `#     UserKnownHostsFile ${join(sb.runBase, 'stage', 'known_hosts')}`,
      '#     StrictHostKeyChecking accept-new',
      '#     ProxyCommand gcloud compute start-iap-tunnel docker-host-002 22 --listen-on-stdin ' +
        '--project=test-project-123 --zone=europe-west1-b --verbosity=warning',
    ]);
  });

  it('status --outputs-only shows each host and whether the app answers; without a deploy it reads `cdktf output`', async () => {
    const spec = testSpec(sb, app.port);
    const status = await runDriver(['status', 'stage', '--outputs-only'], sb, { spec, env: env() });
    expect(status.code).toBe(0);
    expect(callLines(sb)).toEqual([
      `cdktf output stage --outputs-file ${join(sb.runBase, 'stage', 'outputs.json')}`,
    ]);
    expect(status.out).toMatch(/^HOST +ZONE +EXTERNAL IP +INTERNAL IP +APP/m);
    expect(status.out).toMatch(
      /^docker-host-001 +europe-west1-b +127\.0\.0\.1 +10\.132\.0\.2 +up: HTTP 200 in \d+ms$/m,
    );
    expect(status.out).toContain('all hosts answer');

    const down = await closedPort();
    const failing = await runDriver(['status', 'stage', '--refresh', '--outputs-only'], sb, {
      spec,
      env: env({ FAKE_APP_PORT: String(down) }),
    });
    expect(failing.code).toBe(6);
    expect(failing.out).toMatch(/docker-host-002 .* DOWN: connection refused/);
    expect(failing.out).toContain('2 of 2 hosts do not answer');

    // Ctrl-C while `cdktf output` reads: one message, exit 130, the cdktf lock released.
    const interrupted = await runDriver(['env', 'prod'], sb, {
      spec,
      env: env({ FAKE_SIGINT: 'cdktf output' }),
    });
    expect(interrupted.code).toBe(130);
    expect(interrupted.err).toContain(
      "error: interrupted while reading prod's outputs: nothing changed, the cdktf lock is released",
    );
    expect(existsSync(join(sb.root, '.run', 'cdktf.lock'))).toBe(false);
    const noOutputs = await runDriver(['status', 'prod'], sb, {
      spec,
      env: env({ FAKE_FAIL: 'cdktf output' }),
    });
    expect(noOutputs.code).toBe(1);
    expect(noOutputs.err).toContain("could not read prod's outputs (exit code 3)");
  });
});
