/**
 * `output <env>`: the environment stack's outputs (hosts with their addresses, app URLs, ssh user and route), from
 * the last deploy's outputs file or read afresh (`cdktf output`, `--refresh`), as `terraform output` prints them:
 * one `name = value` line each; `--json` the outputs as one JSON object, for scripts.
 */
import { argsFor } from '../args';
import type { EnvContext } from '../context';
import { EXIT_OK } from '../../lib/exit-codes';
import { loadOutputs } from '../outputs';

export async function outputCommand(ctx: EnvContext): Promise<number> {
  const outputs = await loadOutputs(ctx);
  if (typeof outputs === 'number') return outputs;
  const lines = argsFor(ctx.args, 'output').json
    ? [JSON.stringify(outputs, null, 2)]
    : Object.entries(outputs).map(([name, value]) => `${name} = ${JSON.stringify(value)}`);
  ctx.deps.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
