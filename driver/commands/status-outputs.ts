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
  const answers = await Promise.all(hosts.map((h) => probe(`${h.app_url}/`, 5_000)));
  const rows = [
    ['HOST', 'ZONE', 'EXTERNAL IP', 'INTERNAL IP', `APP (:${outputs.app_port})`],
    ...hosts.map((h, i) => [
      h.name,
      h.zone,
      h.external_ip,
      h.internal_ip,
      `${answers[i].ok ? 'up' : 'DOWN'}: ${answers[i].detail}`,
    ]),
  ];
  const down = answers.filter((a) => !a.ok).length;
  deps.stdout.write(
    `${style.bold(env.name)}: ${hosts.length} ${hosts.length === 1 ? 'host' : 'hosts'} in ${env.projectId}, app ${env.app.image}\n` +
      `${table(rows)}\n${down === 0 ? style.green('all hosts answer') : style.red(`${down} of ${answers.length} hosts do not answer`)}\n`,
  );
  return down === 0 ? EXIT_OK : EXIT_UNHEALTHY;
}
