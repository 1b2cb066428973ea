/**
 * `status <env> --outputs-only`: the quick view from the stack's outputs alone (no SSH): hosts, addresses, and whether
 * the app answers from here (exit 6 when some host does not). Also what `status` shows when ansible-playbook cannot run.
 */
import { hostList } from '../../stacks/outputs';
import { appTargets, frontDoor, probe } from '../check';
import type { EnvContext } from '../context';
import { EXIT_OK, EXIT_UNHEALTHY } from '../exit-codes';
import { loadOutputs } from '../outputs';
import { alignColumns } from '../../lib/text-table';

export async function outputsStatus(ctx: EnvContext): Promise<number> {
  const { deps, style, env } = ctx;
  const outputs = loadOutputs(ctx);
  if (typeof outputs === 'number') return outputs;
  const hosts = hostList(outputs);
  const path = outputs.app_health_path ?? '/';
  const front = frontDoor(outputs);
  const behindLb = front !== undefined;
  const targets = appTargets(outputs, path);
  const answers = await Promise.all(targets.map((t) => probe(t.url, 5_000)));
  const state = (i: number) => `${answers[i].ok ? 'up' : 'DOWN'}: ${answers[i].detail}`;
  const rows = [
    ['HOST', 'ZONE', 'EXTERNAL IP', 'INTERNAL IP', `APP (:${outputs.app_port})`],
    ...hosts.map((h, i) => [
      h.name,
      h.zone,
      h.external_ip ?? '(none)',
      h.internal_ip,
      behindLb ? 'behind the load balancer' : state(i),
    ]),
    ...(behindLb ? [['load balancer', '', String(front), '', state(0)]] : []),
  ];
  const down = answers.filter((a) => !a.ok).length;
  const verdict =
    down === 0
      ? style.green(behindLb ? 'the load balancer answers' : 'all hosts answer')
      : style.red(behindLb ? 'the load balancer does not answer' : `${down} of ${answers.length} hosts do not answer`);
  const head = `${style.bold(env.name)}: ${hosts.length} ${hosts.length === 1 ? 'host' : 'hosts'} in ${env.projectId}, app ${env.app.image}`;
  deps.stdout.write(`${head}\n${alignColumns(rows).join('\n')}\n${verdict}\n`);
  return down === 0 ? EXIT_OK : EXIT_UNHEALTHY;
}
