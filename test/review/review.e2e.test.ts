import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentSpec, ProjectSpec, resolveProject } from '../../config';
import { EXIT_OK, EXIT_USAGE } from '../../lib/exit-codes';
import { BACKEND_STACK, REGISTRY_STACK } from '../../lib/constants';
import { SynthesizedStack } from '../../policies/rules';
import { readSynthFolder, synthesizeRef } from '../../review/base';
import { reach } from '../../review/exposure';
import { COMMENT_BUDGET, GITHUB_COMMENT_LIMIT } from '../../review/fit';
import { braceRange, foldHosts } from '../../review/fold';
import { reviewMain } from '../../review/main';
import { synthesizeStacks } from '../../review/synth';
import { TEST_KEY } from '../fixtures/project';
import { environmentsTs, fixtureRepo } from '../fixtures/repo';
import { testContext } from '../helpers';

const ROOT = join(__dirname, '..', '..');
const env = (over: Partial<EnvironmentSpec> = {}): EnvironmentSpec => ({
  name: 'qa',
  projectId: 'acme-review-test',
  region: 'europe-west1',
  zone: 'europe-west1-b',
  exposure: 'public-ips',
  labels: { team: 'web' },
  ssh: { user: 'deploy', publicKeys: [TEST_KEY] },
  ...over,
});
/** Our own fixture: qa (2 hosts, IAP-only SSH) and lab (SSH from anywhere, explicitly allowed). */
const SPEC: ProjectSpec = {
  environments: [
    env({ hostCount: 2, machineType: 'e2-medium', diskSizeGb: 40, imageFamily: 'review-base' }),
    env({
      name: 'lab',
      zone: 'europe-west1-c',
      sshSourceRanges: ['0.0.0.0/0'],
      allowSshFromAnywhere: true,
    }),
  ],
};
const ENV = {};

function stacksOf(spec: ProjectSpec): SynthesizedStack[] {
  return synthesizeStacks(resolveProject(spec, testContext()));
}

async function run(
  argv: string[],
  over: { spec?: ProjectSpec; env?: NodeJS.ProcessEnv; base?: ProjectSpec } = {},
) {
  let out = '';
  let err = '';
  const code = await reviewMain(argv, {
    root: ROOT,
    env: { ...ENV, ...over.env },
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    spec: over.spec ?? SPEC,
    home: '/home/ops',
    synthesizeRef: (ref) => {
      if (ref === 'missing') throw new Error('unexpected');
      return stacksOf(over.base ?? SPEC);
    },
  });
  return { code, out, err };
}

describe('npm run review', () => {
  test('policies: every rule, and the suppression with its reason', async () => {
    const { code, out } = await run(['lab']);
    expect(code).toBe(EXIT_OK);
    expect(out).toContain('== Policies: 20 pass, 1 suppressed, 0 fail');
    expect(out).toMatch(
      /DH1-ssh-not-open-to-world +suppressed .* lab: google_compute_firewall.firewall_ssh allows SSH from 0\.0\.0\.0\/0 .*\(suppressed: allowSshFromAnywhere is set in config\/environments.ts\)/,
    );
  });

  test('exposure: every firewall rule, and what reaches each host on SSH and the app port', async () => {
    const { out } = await run(['qa', 'lab']);
    expect(out).toContain(
      '== Exposure: 6 firewall rules; what reaches 3 hosts on SSH and the app port',
    );
    expect(out).toMatch(
      /qa\/docker-host-\{001\.\.002\} \(2 hosts\) +SSH tcp\/22 +35\.235\.240\.0\/20 \(Google IAP\) \[qa-docker-hosts-allow-ssh\] +denied by qa-docker-hosts-deny-other-ingress \(priority 65000\)/,
    );
    expect(out).toMatch(
      /lab\/docker-host-001 +SSH tcp\/22 +0\.0\.0\.0\/0 \(the internet\) \[lab-docker-hosts-allow-ssh\]/,
    );
    expect(out).toMatch(
      /lab-docker-hosts-allow-ssh; google_compute_firewall.firewall_ssh +INGRESS +allow tcp:22 +0\.0\.0\.0\/0 \(the internet\) +tag docker-host-lab +1000 +yes/,
    );
  });

  test('what reaches a host without a deny-all rule is left to the network', async () => {
    const allow = {
      name: 'ssh',
      allow: [{ protocol: 'tcp', ports: ['22'] }],
      source_ranges: ['10.0.0.0/8'],
    };
    expect(reach([allow], ['web'], 22)).toEqual({
      from: '10.0.0.0/8 [ssh]',
      rest: expect.stringMatching(/^not decided here: the network's other rules apply/),
    });
    expect(reach([allow], ['web'], 9292).from).toBe('nobody (by these rules)');
  });

  test('resources: state location and the settings of each host', async () => {
    const { out } = await run(['qa']);
    expect(out).toContain(
      '== Resources: qa: 11 resources, 2 hosts; state gs://acme-review-test-tfstate/docker-hosts/qa',
    );
    expect(out).toMatch(
      /docker-host-\{001\.\.002\} \(2 hosts\) +e2-medium +europe-west1-b +40 GB pd-balanced +review-base \(project acme-review-test\) +docker-hosts-qa@acme-review-test\.iam\.gserviceaccount\.com \(google_service_account\.service-account\) +logging\.write, monitoring\.write +team=web, env=qa, role=docker-host, managed-by=cdktf +static qa-docker-host-\{001\.\.002\} +metadata key: deploy/,
    );
    expect(out).toContain(
      'roles/logging.logWriter for serviceAccount:docker-hosts-qa@acme-review-test.iam.gserviceaccount.com',
    );
    expect(out).not.toContain('== Resources: lab');
    // The repository the hosts pull from comes with every environment; its reader grant is on it alone.
    expect(out).toMatch(
      /google_artifact_registry_repository\.\S+ +docker-hosts \(DOCKER\) in europe-west1, keep the \d+ most recent versions; delete untagged after \d+ days/,
    );
    expect(out).toMatch(
      /google_artifact_registry_repository_iam_member\.registry-reader +roles\/artifactregistry\.reader on repository docker-hosts only, for serviceAccount:docker-hosts-qa@/,
    );
  });

  test('changes against the base, attribute by attribute', async () => {
    const base: ProjectSpec = {
      environments: [
        env({ hostCount: 3, machineType: 'e2-small', diskSizeGb: 40, imageFamily: 'review-base' }),
        SPEC.environments[1],
      ],
    };
    const { out } = await run(['qa', '--base', 'main'], { base });
    expect(out).toContain('== Changes against the base: against main: 0 added, 2 removed, ');
    expect(out).toContain('- google_compute_instance.fleet_docker-host-003');
    expect(out).toContain('- google_compute_address.fleet_docker-host-003_address');
    // Both hosts changed alike: one entry naming them.
    expect(out).toContain(
      '~ google_compute_instance.fleet_docker-host-{001..002} (2 hosts)\n      machine_type: e2-small → e2-medium',
    );
    expect(out).toContain('~ output.docker_hosts\n      value: -"ssh://qa-docker-host-003"\n');
    expect((await run(['qa', '--base', 'main'])).out).toContain(
      '== Changes against the base: no changes against main',
    );
  });

  test('--against a synth folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-against-'));
    try {
      for (const s of stacksOf({ environments: [SPEC.environments[0]] })) {
        mkdirSync(join(dir, 'stacks', s.name), { recursive: true });
        writeFileSync(join(dir, 'stacks', s.name, 'cdk.tf.json'), JSON.stringify(s.json));
      }
      expect(readSynthFolder(dir).map((s) => s.name)).toEqual(['backend', 'qa', 'registry']);
      const { out } = await run(['lab', '--against', dir]);
      expect(out).toContain(`against ${dir}: `);
      expect(out).toContain('@@ lab: stack added @@');
      expect(out).toContain('+ google_compute_instance.fleet_docker-host-001');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('plan summary from a saved plan, and none without one', async () => {
    const plan = join('test', 'fixtures', 'plans', 'google-replace.json');
    const { out } = await run(['qa', '--plan', plan]);
    expect(out).toContain('== Plan: 1 of 1 stacks change');
    expect(out).toContain('qa: 0 to add, 0 to change, 2 to replace, 0 to destroy');
    expect(out).toContain(
      'google_compute_instance.fleet_docker-host-001  REPLACE: zone cannot change in place',
    );
    expect(out).toContain('zone: europe-west1-b → europe-west1-c');
    expect(out).toContain('! host docker-host-002 is replaced');
    expect((await run(['qa'])).out).toContain(
      '== Plan: not planned here (needs Google credentials and the state)',
    );
  });

  test('Markdown: collapsible sections for a PR comment', async () => {
    const { out } = await run([
      'qa',
      '--markdown',
      '--plan',
      'qa=test/fixtures/plans/google-destroy.json',
    ]);
    expect(
      out.startsWith(
        '## Review: qa\n\n<details><summary><b>Policies</b>: 21 pass, 0 suppressed, 0 fail</summary>',
      ),
    ).toBe(true);
    expect(out).toContain('<details open><summary><b>Exposure</b>:');
    expect(out).toContain(
      '| stack | rule | direction | action | sources | targets | priority | logged |',
    );
    expect(out).toContain(
      '| qa | qa-docker-hosts-allow-ssh<br>google_compute_firewall.firewall_ssh | INGRESS | allow tcp:22 |',
    );
    expect(out).toContain('#### Plan: qa: 0 to add, 0 to change, 0 to replace, 11 to destroy');
    expect(out).toContain(':warning: static IP 203.0.113.2 (prod-docker-host-002) is released');
    expect(out.match(/<details/g)).toHaveLength(out.match(/<\/details>/g)!.length);
  });

  test('every environment without an argument', async () => {
    const { out } = await run([]);
    expect(out.split('\n')[0]).toBe('Review: qa, lab');
  });

  test('--plan naming a FIFO or a folder is refused at once, not waited on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-fifo-'));
    try {
      const fifo = join(dir, 'plan.json');
      execFileSync('mkfifo', [fifo]);
      const viaFifo = await run(['qa', '--plan', fifo]);
      expect(viaFifo.code).toBe(EXIT_USAGE);
      expect(viaFifo.err.split('\n')[0]).toBe(
        `error: --plan ${fifo}: ${fifo} is a FIFO (named pipe): reading it waits for a writer: give a regular file`,
      );
      const folder = (await run(['qa', '--plan', dir])).err.split('\n')[0];
      expect(folder).toBe(`error: --plan ${dir}: ${dir} is a folder: give a regular file`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [['qaa'], 'error: unknown environment "qaa" (did you mean qa?); environments are: qa, lab'],
    [['qa', '--markdwn'], 'error: unknown option "--markdwn" (did you mean --markdown?)'],
    [
      ['qa', 'lab', '--plan', 'x.json'],
      'error: --plan <file> without <stack>= needs exactly one environment',
    ],
    [['qa', '--plan', 'nope.json'], 'error: --plan nope.json: ENOENT'],
    [
      ['qa', '--plan', 'package.json'],
      'error: plan of stack "qa": field "format_version" must be 1.x (got undefined)',
    ],
    [['qa', '--against', '/nonexistent'], 'error: /nonexistent has no stacks/<stack>/cdk.tf.json'],
    [['qa', '--base', 'a', '--against', 'b'], 'error: --base and --against exclude each other'],
    [
      ['qa', '--full', 'x.md'],
      'error: --full <file> goes with --markdown: it receives the whole review when it is cut',
    ],
  ])('%j is refused: %s', async (argv, message) => {
    const { code, out, err } = await run(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(out).toBe('');
    expect(err.startsWith(message)).toBe(true);
  });

  test('exposure: the front door, with its protocol, and "HTTP only (no domain)" without a domain', async () => {
    const spec = (domain?: string): ProjectSpec => ({
      environments: [
        env({
          name: 'web',
          exposure: 'load-balancer',
          hostCount: 2,
          ...(domain ? { domain } : {}),
        }),
      ],
    });
    const plain = await run(['web'], { spec: spec() });
    expect(plain.code).toBe(EXIT_OK);
    expect(plain.out).toContain('; 1 load-balancer entry');
    expect(plain.out).toMatch(
      /web +web-docker-hosts-http; google_compute_global_forwarding_rule\.front-door_http +EXTERNAL_MANAGED on reserved google_compute_global_address\.front-door_address +HTTP :80, HTTP only \(no domain\) +backend web-docker-hosts-app: 1 instance group, health check HTTP :9292\/, logging 1 of requests/,
    );
    // Behind the load balancer only Google's ranges reach the app port.
    expect(plain.out).toMatch(
      /web\/docker-host-\{001\.\.002\} \(2 hosts\) +app tcp\/9292 +35\.191\.0\.0\/16 \(Google load balancers and health checks\)/,
    );
    const https = await run(['web'], { spec: spec('app.example.com') });
    expect(https.out).toContain('; 2 load-balancer entries');
    expect(https.out).toMatch(
      /web-docker-hosts-https;.* HTTPS :443, Google-managed certificate for app\.example\.com/,
    );
    expect(https.out).toMatch(/web-docker-hosts-http;.* HTTP :80 +redirects to HTTPS/);
    expect(https.out).not.toContain('HTTP only');
  });

  test('a config error is one line; a flag npm swallowed is refused', async () => {
    const bad = await run(['qa'], { spec: { environments: [env({ hostCount: 0 })] } });
    expect([bad.code, bad.err]).toEqual([
      EXIT_USAGE,
      'config error: environment "qa": field "hostCount" must be an integer from 1 to 50 (got 0)\n',
    ]);
    const npm = await run(['qa'], {
      env: { npm_command: 'run', npm_lifecycle_event: 'review', npm_config_markdown: 'true' },
    });
    expect(npm.code).toBe(EXIT_USAGE);
    expect(npm.err).toContain('so nothing was run: use npm run review -- qa --markdown');
  });
});

describe('a review the size of a fleet fits a PR comment', () => {
  test('50 hosts: rows that differ only by the host are one row naming the hosts and their count', async () => {
    const fleet = (machineType: string): ProjectSpec => ({
      environments: [env({ hostCount: 50, machineType })],
    });
    const { code, out } = await run(['qa', '--markdown'], {
      spec: fleet('e2-medium'),
      base: fleet('e2-small'),
    });
    expect(code).toBe(EXIT_OK);
    expect(out).toContain(
      '| qa/docker-host-{001..050} (50 hosts) | SSH tcp/22 | 35.235.240.0/20 (Google IAP)',
    );
    expect(out).toContain('| qa/docker-host-{001..050} (50 hosts) | app tcp/9292 |');
    expect(out).toContain('| docker-host-{001..050} (50 hosts) | e2-medium | europe-west1-b |');
    expect(out).toContain(
      '| google_compute_address.fleet_docker-host-{001..050}_address (50 hosts) | qa-docker-host-{001..050}, EXTERNAL, PREMIUM |',
    );
    expect(out).toContain(
      '~ google_compute_instance.fleet_docker-host-{001..050} (50 hosts)\n    machine_type: e2-small → e2-medium\n',
    );
    // No host is listed on its own any more, and the whole review is a small comment.
    expect(out).not.toMatch(/docker-host-\d/);
    expect(out.length).toBeLessThan(10_000);
  });

  test('ranges of host numbers; rows naming no host or two hosts are left alone', () => {
    expect(braceRange(['001', '002', '003', '007', '009', '010'])).toBe('{001..003,007,009..010}');
    expect(braceRange(['004'])).toBe('004');
    const rows = [
      ['a/docker-host-001', 'x'],
      ['firewall', 'tag docker-host-qa'],
      ['a/docker-host-002', 'x'],
      ['docker-host-001 and docker-host-002', 'y'],
      ['a/docker-host-003', 'other'],
      ['firewall', 'tag docker-host-qa'],
    ];
    expect(foldHosts(rows)).toEqual([
      ['a/docker-host-{001..002} (2 hosts)', 'x'],
      ['firewall', 'tag docker-host-qa'],
      ['docker-host-001 and docker-host-002', 'y'],
      ['a/docker-host-003', 'other'],
      ['firewall', 'tag docker-host-qa'],
    ]);
  });

  test('too big even folded: the largest sections cut to their summary, the whole review in the --full file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-full-'));
    try {
      const many: ProjectSpec = {
        environments: Array.from({ length: 40 }, (_, i) =>
          env({ name: `e${i}`, projectId: `acme-review-e${i}` }),
        ),
      };
      const full = join(dir, 'whole.md');
      const { code, out, err } = await run(['--markdown', '--full', full], {
        spec: many,
        base: many,
      });
      expect(code).toBe(EXIT_OK);
      expect(out.length).toBeLessThanOrEqual(COMMENT_BUDGET);
      const whole = readFileSync(full, 'utf8');
      expect(whole.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
      expect(whole).not.toContain('Cut to fit');
      const cut = out.match(/Cut to fit a PR comment/g)!.length;
      expect(out.split('\n')[2]).toBe(
        `> :scissors: This review is ${whole.length} characters; a PR comment takes at most 65536, and the review ` +
          `keeps within 60000: ${cut} of its 46 sections are cut to the summary below. The whole review is in \`${full}\`.`,
      );
      expect(err).toContain(
        `${cut} of its sections cut to their summary; the whole review is in ${full}\n`,
      );
      // Every section is still there by its title and summary line; the sections kept are whole.
      const summaries = (text: string) => text.match(/<summary>.*<\/summary>/g);
      expect(summaries(out)).toEqual(summaries(whole));
      expect(out).toContain(
        whole.slice(whole.indexOf('<details><summary><b>Policies'), whole.indexOf('</details>')),
      );
      // A --full that cannot be written: one line, nothing posted.
      mkdirSync(join(dir, 'folder'));
      const refused = await run(['--markdown', '--full', join(dir, 'folder')], {
        spec: many,
        base: many,
      });
      expect([refused.code, refused.out]).toEqual([EXIT_USAGE, '']);
      expect(refused.err.split('\n')[0]).toBe(
        `error: --full ${join(dir, 'folder')}: cannot hold the whole review (it was cut to fit a PR comment): ` +
          `cannot rename ${join(dir, 'folder')}.tmp: it is a folder`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

test('the base synthesized from a git ref in a temporary worktree: the committed config, not the edited one', async () => {
  // A repository of our own, with SPEC committed and an uncommitted third environment in the working tree.
  const repo = fixtureRepo(environmentsTs(SPEC));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: repo,
      stdio: 'pipe',
    });
  try {
    writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
    git('init', '--quiet');
    git('add', '-A');
    git('commit', '--quiet', '-m', 'fixture');
    const edited = {
      environments: [...SPEC.environments, env({ name: 'extra', zone: 'europe-west1-d' })],
    };
    writeFileSync(join(repo, 'config', 'environments.ts'), environmentsTs(edited));
    const stacks = await synthesizeRef(repo, 'HEAD', process.env);
    expect(stacks.map((s) => s.name)).toEqual([BACKEND_STACK, 'lab', 'qa', REGISTRY_STACK]);
    await expect(synthesizeRef(repo, 'no-such-ref-xyz', process.env)).rejects.toThrow(
      'git ref "no-such-ref-xyz" does not exist here (fetch it, or give --against <folder>)',
    );
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}, 60000);
