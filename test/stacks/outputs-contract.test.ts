import { renderInventory } from '../../driver/inventory/inventory';
import { parseStackOutputs } from '../../stacks/outputs-parser';
import { resolveEnvs, stacksFor, synthJson, validEnv } from '../helpers';

/**
 * Stands in for `terraform apply` + `cdktf output --outputs-file`: evaluates the stack's output
 * expressions with made-up attribute values and nests them by stack name, as the CLI does.
 */
function fakeOutputsFile(stackName: string, outputs: Record<string, { value: unknown }>): unknown {
  const ips = new Map<string, string>();
  const evaluate = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(/\$\{([^}]+)\}/g, (_m, expr: string) => {
        const host = /docker-host-\d{3}/.exec(expr)?.[0] ?? 'unknown';
        if (expr.endsWith('.address')) {
          if (!ips.has(host)) ips.set(host, `203.0.113.${ips.size + 10}`);
          return ips.get(host)!;
        }
        if (expr.endsWith('.network_ip')) return `10.132.0.${Number(host.slice(-3)) + 1}`;
        if (expr.endsWith('.name')) return host;
        if (expr.endsWith('.zone')) return 'europe-west1-b';
        if (expr.endsWith('.instance_id')) return `70000000000000${host.slice(-3)}`;
        throw new Error(`unexpected expression ${expr}`);
      });
    }
    if (Array.isArray(value)) return value.map(evaluate);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v)]));
    }
    return value;
  };
  return {
    [stackName]: Object.fromEntries(
      Object.entries(outputs).map(([k, o]) => [k, evaluate(o.value)]),
    ),
  };
}

describe('the stack outputs are what the inventory generator reads', () => {
  const [stack] = stacksFor(resolveEnvs([validEnv({ hostCount: 2 })])).environments;
  const file = fakeOutputsFile('stage', synthJson(stack).output);

  test('parseStackOutputs accepts them', () => {
    const outputs = parseStackOutputs(file, 'stage');
    expect(Object.keys(outputs.hosts)).toEqual(['docker-host-001', 'docker-host-002']);
    expect(outputs.hosts['docker-host-002']).toEqual({
      name: 'docker-host-002',
      zone: 'europe-west1-b',
      external_ip: '203.0.113.11',
      internal_ip: '10.132.0.3',
      instance_id: '70000000000000002',
      app_url: 'http://203.0.113.11:9292',
      ssh: 'stage-docker-host-002',
      docker_host: 'ssh://stage-docker-host-002',
    });
    expect(outputs).toMatchObject({ ssh_user: 'deploy', app_port: 9292, environment: 'stage' });
    expect(outputs.app_urls).toEqual(['http://203.0.113.10:9292', 'http://203.0.113.11:9292']);
  });

  test('hosts reached through IAP get the tunnel and a host-key alias per instance', () => {
    const inventory = renderInventory(parseStackOutputs(file, 'stage'));
    expect(inventory).toContain(
      'gcloud compute start-iap-tunnel docker-host-001 22 --listen-on-stdin',
    );
    expect(inventory).toContain('--project=acme-docker-hosts');
    expect(inventory).toContain('-o HostKeyAlias=docker-host-002-70000000000000002');
  });

  test('the rendered inventory puts every host in docker_hosts and env_stage', () => {
    const inventory = renderInventory(parseStackOutputs(file, 'stage'));
    for (const text of [
      'docker_hosts',
      'env_stage',
      'docker-host-001',
      'ansible_host: "203.0.113.10"',
      'ansible_user: "deploy"',
    ]) {
      expect(inventory).toContain(text);
    }
  });
});
