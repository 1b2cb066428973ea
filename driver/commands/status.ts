/** `status <env>`: hosts, addresses, and whether the app answers (exit 1 when some host does not). */
import { hostList } from '../../stacks/outputs';
import { probe } from '../check';
import type { EnvContext } from '../context';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes';
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

export async function statusCommand(ctx: EnvContext): Promise<number> {
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
  return down === 0 ? EXIT_OK : EXIT_FAILED;
}
