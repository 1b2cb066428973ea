import { envGroupName, renderInventory } from '../../../driver/inventory/inventory';
import { OutputsError, parseStackOutputs } from '../../../stacks/outputs-parser';
import { sampleOutputs, withStage } from './inventory-samples';

describe('parseStackOutputs', () => {
  it('returns the typed outputs of the named stack', () => {
    const out = parseStackOutputs(sampleOutputs(), 'stage');
    expect(out.environment).toBe('stage');
    expect(out.ssh_user).toBe('deploy');
    expect(out.app_port).toBe(9292);
    expect(out.app_urls).toEqual(['http://34.1.2.3:9292', 'http://34.1.2.4:9292']);
    expect(Object.keys(out.hosts)).toEqual(['docker-host-001', 'docker-host-002']);
    expect(out.hosts['docker-host-001']).toEqual({
      name: 'docker-host-001',
      zone: 'europe-west1-b',
      external_ip: '34.1.2.3',
      internal_ip: '10.132.0.2',
      app_url: 'http://34.1.2.3:9292',
      ssh: 'deploy@34.1.2.3',
      docker_host: 'ssh://deploy@34.1.2.3',
    });
  });

  it('names the stacks it found when the stack is missing', () => {
    expect(() => parseStackOutputs(sampleOutputs(), 'prod')).toThrow(
      new OutputsError('outputs have no stack "prod" (stacks found: stage)'),
    );
  });

  it('rejects a non-object document', () => {
    expect(() => parseStackOutputs([], 'stage')).toThrow(
      /must be a JSON object keyed by stack name, got an array/,
    );
    expect(() => parseStackOutputs(null, 'stage')).toThrow(/got null/);
  });

  it.each(['hosts', 'app_urls', 'ssh_user', 'app_port', 'environment'])(
    'names the missing output "%s"',
    (field) => {
      const json = withStage((s) => delete s[field]);
      expect(() => parseStackOutputs(json, 'stage')).toThrow(OutputsError);
      expect(() => parseStackOutputs(json, 'stage')).toThrow(
        `stack "stage": missing output "${field}"`,
      );
    },
  );

  it.each(['name', 'zone', 'internal_ip'])('names the missing host field "%s"', (field) => {
    const json = withStage((s) => {
      const hosts = s.hosts as Record<string, Record<string, unknown>>;
      delete hosts['docker-host-002'][field];
    });
    expect(() => parseStackOutputs(json, 'stage')).toThrow(
      `stack "stage".hosts["docker-host-002"]: missing field "${field}"`,
    );
  });

  it('rejects malformed values with the offending field', () => {
    const cases: Array<[(s: Record<string, unknown>) => void, RegExp]> = [
      [(s) => (s.hosts = []), /output "hosts" must be an object keyed by host name, got an array/],
      [(s) => (s.app_urls = 'http://x'), /output "app_urls" must be a list of strings/],
      [(s) => (s.app_urls = [1]), /output "app_urls" must be a list of strings/],
      [
        (s) => (s.app_port = '9292'),
        /output "app_port" must be a port number \(1-65535\), got string "9292"/,
      ],
      [(s) => (s.app_port = 70000), /output "app_port" must be a port number/],
      [(s) => (s.ssh_user = ''), /output "ssh_user" must be a non-empty string/],
      [(s) => (s.ssh_user = 'root; rm'), /output "ssh_user" "root; rm" is not a valid user name/],
      [(s) => (s.environment = 'Stage!'), /output "environment" "Stage!" must match/],
      [
        (s) => (s.project = "x'; rm -rf /"),
        /output "project" "x'; rm -rf \/" is not a Google Cloud project ID/,
      ],
      [
        (s) =>
          ((s.hosts as Record<string, Record<string, unknown>>)['docker-host-001'].zone =
            'eu west'),
        /hosts\["docker-host-001"\]: field "zone" must be a zone such as europe-west1-b, got "eu west"/,
      ],
      [
        (s) =>
          ((s.hosts as Record<string, Record<string, unknown>>)['docker-host-001'].external_ip =
            'not-an-ip'),
        /hosts\["docker-host-001"\]: field "external_ip" must be an IP address, got "not-an-ip"/,
      ],
      [
        (s) =>
          ((s.hosts as Record<string, Record<string, unknown>>)['docker-host-001'].internal_ip =
            null),
        /field "internal_ip" must be a non-empty string, got null/,
      ],
      [
        (s) => (s.exposure = 'cdn'),
        /output "exposure" must be "load-balancer" or "public-ips", got string "cdn"/,
      ],
      [
        (s) => ((s.exposure = 'load-balancer'), delete s.app_url),
        /output "exposure" is "load-balancer" but output "app_url" is missing/,
      ],
      [
        (s) => (s.app_url = 'ftp://x'),
        /field "app_url" must be an http\(s\):\/\/ URL without a path, got "ftp:\/\/x"/,
      ],
      [
        (s) => (s.app_health_path = 'healthz'),
        /field "app_health_path" must be a path starting with "\/"/,
      ],
      [
        (s) =>
          ((s.hosts as Record<string, Record<string, unknown>>)['docker-host-001'].name = 'other'),
        /field "name" is "other", expected the key "docker-host-001"/,
      ],
      [
        (s) => ((s.hosts as Record<string, unknown>)['Bad_Name'] = { name: 'Bad_Name' }),
        /"Bad_Name" is not a valid instance name/,
      ],
    ];
    for (const [patch, message] of cases) {
      expect(() => parseStackOutputs(withStage(patch), 'stage')).toThrow(message);
    }
  });
});

describe('renderInventory', () => {
  it('renders docker_hosts and env_<env> groups, hosts sorted by name', () => {
    const text = renderInventory(parseStackOutputs(sampleOutputs(), 'stage'));
    expect(text).toBe(
      [
        '# Generated from the outputs of the "stage" stack by driver/inventory/inventory-cli.ts. Do not edit.',
        '---',
        'all:',
        '  children:',
        '    docker_hosts:',
        '      hosts:',
        '        docker-host-001:',
        '          ansible_host: "34.1.2.3"',
        '          ansible_user: "deploy"',
        '        docker-host-002:',
        '          ansible_host: "34.1.2.4"',
        '          ansible_user: "deploy"',
        '      vars:',
        '        app_port: 9292',
        '        app_health_path: "/"',
        '    env_stage:',
        '      hosts:',
        '        docker-host-001: {}',
        '        docker-host-002: {}',
        '',
      ].join('\n'),
    );
  });

  it('is deterministic whatever the key order of the input', () => {
    const a = parseStackOutputs(sampleOutputs(), 'stage');
    const reversed = { ...a, hosts: Object.fromEntries(Object.entries(a.hosts).reverse()) };
    expect(renderInventory(reversed)).toBe(renderInventory(a));
  });

  it('maps hyphens in the environment to a valid Ansible group name', () => {
    expect(envGroupName('pre-prod')).toBe('env_pre_prod');
    const text = renderInventory(
      parseStackOutputs(
        withStage((s) => (s.environment = 'pre-prod')),
        'stage',
      ),
    );
    expect(text).toContain('\n    env_pre_prod:\n');
  });

  it('adds an IAP ProxyCommand per host when ssh_via is "iap"', () => {
    const out = parseStackOutputs(
      withStage((s) => {
        s.ssh_via = 'iap';
        s.project = 'my-project';
      }),
      'stage',
    );
    expect(out.ssh_via).toBe('iap');
    const text = renderInventory(out);
    expect(text).toContain(
      `          ansible_ssh_common_args: "-o ProxyCommand='gcloud compute start-iap-tunnel docker-host-001 22 --listen-on-stdin --project=my-project --zone=europe-west1-b'"\n`,
    );
    expect(text.match(/ProxyCommand/g)).toHaveLength(2);
    const direct = renderInventory(
      parseStackOutputs(
        withStage((s) => (s.ssh_via = 'direct')),
        'stage',
      ),
    );
    expect(direct).not.toContain('ProxyCommand');
  });

  it('pins host keys to <name>-<instance_id> with HostKeyAlias when the instance id is known', () => {
    const withIds = (s: Record<string, unknown>): void => {
      const hosts = s.hosts as Record<string, Record<string, unknown>>;
      hosts['docker-host-001'].instance_id = '1234567890123456789';
      hosts['docker-host-002'].instance_id = '42';
    };
    const out = parseStackOutputs(withStage(withIds), 'stage');
    expect(out.hosts['docker-host-001'].instance_id).toBe('1234567890123456789');
    const text = renderInventory(out);
    expect(text).toContain(
      [
        '        docker-host-001:',
        '          ansible_host: "34.1.2.3"',
        '          ansible_user: "deploy"',
        '          ansible_ssh_common_args: "-o HostKeyAlias=docker-host-001-1234567890123456789"',
        '        docker-host-002:',
      ].join('\n'),
    );
    expect(text).toContain(
      '          ansible_ssh_common_args: "-o HostKeyAlias=docker-host-002-42"\n',
    );
    expect(text).not.toContain('ProxyCommand');

    // With IAP: one ansible_ssh_common_args holding both options.
    const iap = renderInventory(
      parseStackOutputs(
        withStage((s) => {
          withIds(s);
          s.ssh_via = 'iap';
          s.project = 'my-project';
        }),
        'stage',
      ),
    );
    expect(iap).toContain(
      `          ansible_ssh_common_args: "-o ProxyCommand='gcloud compute start-iap-tunnel docker-host-001 22 --listen-on-stdin --project=my-project --zone=europe-west1-b' -o HostKeyAlias=docker-host-001-1234567890123456789"\n`,
    );
    expect(iap.match(/ansible_ssh_common_args/g)).toHaveLength(2);
  });

  it('renders the same inventory as before when no host has an instance_id', () => {
    const plain = renderInventory(parseStackOutputs(sampleOutputs(), 'stage'));
    expect(plain).not.toContain('HostKeyAlias');
    expect(plain).not.toContain('ansible_ssh_common_args');
    const nulls = withStage((s) => {
      for (const h of Object.values(s.hosts as Record<string, Record<string, unknown>>))
        h.instance_id = null;
    });
    expect(parseStackOutputs(nulls, 'stage').hosts['docker-host-001']).not.toHaveProperty(
      'instance_id',
    );
    expect(renderInventory(parseStackOutputs(nulls, 'stage'))).toBe(plain);
  });

  it('rejects an instance_id that is not a string of digits', () => {
    for (const bad of [1234, '', '12a', '1 -o ProxyCommand=x', '123456789012345678901']) {
      expect(() =>
        parseStackOutputs(
          withStage(
            (s) =>
              ((s.hosts as Record<string, Record<string, unknown>>)['docker-host-001'].instance_id =
                bad),
          ),
          'stage',
        ),
      ).toThrow(
        /^stack "stage"\.hosts\["docker-host-001"\]: field "instance_id" must be a GCE instance id \(a string of digits\), got /,
      );
    }
  });

  it('rejects a bad ssh_via, and iap without a project', () => {
    expect(() =>
      parseStackOutputs(
        withStage((s) => (s.ssh_via = 'vpn')),
        'stage',
      ),
    ).toThrow('stack "stage": output "ssh_via" must be "direct" or "iap", got string "vpn"');
    expect(() =>
      parseStackOutputs(
        withStage((s) => (s.ssh_via = 'iap')),
        'stage',
      ),
    ).toThrow('stack "stage": output "ssh_via" is "iap" but output "project" is missing');
  });

  it('renders an empty fleet as empty groups', () => {
    const text = renderInventory(
      parseStackOutputs(
        withStage((s) => (s.hosts = {})),
        'stage',
      ),
    );
    expect(text).toContain('    docker_hosts:\n      hosts: {}\n');
    expect(text).toContain('    env_stage:\n      hosts: {}\n');
  });
});

describe('the per-host entries of the outputs contract', () => {
  it.each(['app_url', 'ssh', 'docker_host'])('names a missing "%s"', (field) => {
    const json = withStage(
      (s) => delete (s.hosts as Record<string, Record<string, unknown>>)['docker-host-001'][field],
    );
    expect(() => parseStackOutputs(json, 'stage')).toThrow(
      `stack "stage".hosts["docker-host-001"]: missing field "${field}"`,
    );
  });

  it('rejects a DOCKER_HOST that is not ssh://', () => {
    const json = withStage(
      (s) =>
        ((s.hosts as Record<string, Record<string, unknown>>)['docker-host-001'].docker_host =
          'tcp://x:2375'),
    );
    expect(() => parseStackOutputs(json, 'stage')).toThrow(
      'field "docker_host" must be an ssh:// URL, got "tcp://x:2375"',
    );
  });
});
