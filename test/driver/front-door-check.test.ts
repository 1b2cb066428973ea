import { appTargets } from '../../driver/tasks/check';
import { renderInventory } from '../../driver/inventory/inventory';
import {
  loginAnsible,
  routeAnsibleArgs,
  routeOptions,
  routeSshConfig,
  routeTarget,
  sshRoute,
} from '../../driver/fleet/ssh-route';
import type { StackOutputs } from '../../stacks/outputs';
import { parseStackOutputs } from '../../stacks/outputs-parser';

/** Outputs of an environment behind the load balancer, as `terraform output -json` gives them once applied. */
function lbOutputs(): StackOutputs {
  const host = (n: number) => ({
    name: `docker-host-00${n}`,
    zone: 'europe-west1-d',
    internal_ip: `10.132.0.${n + 1}`,
    instance_id: `12345${n}`,
    app_url: `http://10.132.0.${n + 1}:9292`,
    ssh: `prod-docker-host-00${n}`,
    docker_host: `ssh://prod-docker-host-00${n}`,
  });
  return parseStackOutputs(
    {
      prod: {
        hosts: { 'docker-host-001': host(1), 'docker-host-002': host(2) },
        app_urls: ['http://10.132.0.2:9292', 'http://10.132.0.3:9292'],
        app_url: 'https://app.example.com',
        exposure: 'load-balancer',
        app_health_path: '/healthz',
        ssh_user: 'ops_example_com',
        ssh_via: 'iap',
        project: 'acme-docker-hosts',
        app_port: 9292,
        environment: 'prod',
      },
    },
    'prod',
  );
}

describe('behind the load balancer', () => {
  test('the check asks the front door, not the hosts (their internal IPs do not answer from here)', () => {
    expect(appTargets(lbOutputs(), '/healthz')).toEqual([
      { host: 'load balancer', url: 'https://app.example.com/healthz' },
    ]);
  });

  test('on public IPs it asks every host', () => {
    const outputs = { ...lbOutputs(), exposure: 'public-ips' as const };
    expect(appTargets(outputs, '/healthz').map((t) => t.url)).toEqual([
      'http://10.132.0.2:9292/healthz',
      'http://10.132.0.3:9292/healthz',
    ]);
  });

  test('the inventory reaches each host on its internal IP through the IAP tunnel, with the health path', () => {
    const text = renderInventory(lbOutputs());
    expect(text).toContain('        docker-host-001:\n          ansible_host: "10.132.0.2"\n');
    expect(text).toContain(
      'ansible_ssh_common_args: "-o ProxyCommand=\'gcloud compute start-iap-tunnel docker-host-001 22 --listen-on-stdin --project=acme-docker-hosts --zone=europe-west1-d\' -o HostKeyAlias=docker-host-001-123451"',
    );
    expect(text).toContain('        app_health_path: "/healthz"\n');
  });

  test('one route per host, rendered for ssh, Ansible and ~/.ssh/config alike', () => {
    const outputs = lbOutputs();
    const route = sshRoute(outputs, outputs.hosts['docker-host-002']);
    const login = {
      privateKeyFile: '/home/ops/.ssh/docker hosts',
      knownHosts: '/repo/.run/prod/known_hosts',
    };
    const tunnel =
      'gcloud compute start-iap-tunnel docker-host-002 22 --listen-on-stdin --project=acme-docker-hosts --zone=europe-west1-d';
    expect(route).toEqual({
      user: 'ops_example_com',
      address: '10.132.0.3',
      hostKeyAlias: 'docker-host-002-123452',
      proxyCommand: tunnel,
    });
    expect(routeTarget(route)).toBe('ops_example_com@10.132.0.3');
    expect(routeOptions(route, login)).toEqual([
      ...[
        '-i',
        '/home/ops/.ssh/docker hosts',
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'StrictHostKeyChecking=accept-new',
      ],
      ...[
        '-o',
        'UserKnownHostsFile=/repo/.run/prod/known_hosts',
        '-o',
        'HostKeyAlias=docker-host-002-123452',
      ],
      ...['-o', `ProxyCommand=${tunnel}`],
    ]);
    expect(routeAnsibleArgs(route)).toBe(
      `-o ProxyCommand='${tunnel}' -o HostKeyAlias=docker-host-002-123452`,
    );
    expect(routeSshConfig(route, login, 'prod-docker-host-002')).toEqual([
      'Host prod-docker-host-002',
      '  User ops_example_com',
      '  IdentityFile "/home/ops/.ssh/docker hosts"',
      '  HostKeyAlias docker-host-002-123452',
      '  UserKnownHostsFile /repo/.run/prod/known_hosts',
      '  StrictHostKeyChecking accept-new',
      `  ProxyCommand ${tunnel} --verbosity=warning`,
    ]);
    expect(routeAnsibleArgs({ user: 'u', address: '192.0.2.1' })).toBeUndefined();
  });

  it("renders the login for Ansible apart from the rest: the user and key as ansible-playbook's options, known_hosts in ANSIBLE_SSH_EXTRA_ARGS", () => {
    const login = {
      privateKeyFile: '/home/ops/.ssh/docker hosts',
      knownHosts: "/srv/o'brien/known_hosts",
    };
    expect(loginAnsible('deploy', login)).toEqual({
      options: ['-u', 'deploy', '--private-key', '/home/ops/.ssh/docker hosts'],
      // Ansible splits the variable as a shell does: a path with a quote stays one word.
      extraArgs: `-o StrictHostKeyChecking=accept-new -o 'UserKnownHostsFile=/srv/o'\\''brien/known_hosts'`,
    });
    expect(
      loginAnsible('deploy', { privateKeyFile: '/k', knownHosts: '/repo/.run/stage/known_hosts' })
        .extraArgs,
    ).toBe(
      '-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/repo/.run/stage/known_hosts',
    );
  });
});
