/**
 * `status <env> --outputs-only`: the quick view from the stack's outputs alone (no SSH): hosts, addresses, and whether
 * the app answers from here (exit 6 when some host does not). Also what `status` shows when ansible-playbook cannot run.
 */
import { hostList } from '../../stacks/outputs';
import { probe } from '../check';
import type { EnvContext } from '../context';
import { EXIT_OK, EXIT_UNHEALTHY } from '../exit-codes';
import { loadOutputs } from '../outputs';

/** Rows as aligned columns. */
function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export async function outputsStatus(ctx: EnvContext): Promise<number> {
  const { deps, style, env } = ctx;
  const outputs = loadOutputs(ctx);
  if (typeof outputs === 'number') return outputs;
  const hosts = hostList(outputs);
  const path = outputs.app_health_path ?? '/';
  const behindLb = outputs.exposure === 'load-balancer' && outputs.app_url !== undefined;
  // Behind a load balancer the hosts' internal URLs do not answer from here: the front door does, for all of them.
  const targets = behindLb
    ? [{ name: 'load balancer', url: String(outputs.app_url) }]
    : hosts.map((h) => ({ name: h.name, url: h.app_url }));
  const answers = await Promise.all(targets.map((t) => probe(`${t.url}${path}`, 5_000)));
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
    ...(behindLb ? [['load balancer', '', String(outputs.app_url), '', state(0)]] : []),
  ];
  const down = answers.filter((a) => !a.ok).length;
  deps.stdout.write(
    `${style.bold(env.name)}: ${hosts.length} ${hosts.length === 1 ? 'host' : 'hosts'} in ${env.projectId}, app ${env.app.image}\n` +
      `${table(rows)}\n${down === 0 ? style.green(behindLb ? 'the load balancer answers' : 'all hosts answer') : style.red(behindLb ? 'the load balancer does not answer' : `${down} of ${answers.length} hosts do not answer`)}\n`,
  );
  return down === 0 ? EXIT_OK : EXIT_UNHEALTHY;
}
