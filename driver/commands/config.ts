/**
 * `config <env>`: the environment's resolved config, every default filled in, as the driver and synth use it: one
 * `field: value` line per setting (`--json`: the object). Nothing secret is shown: build-arg values (by name only:
 * they may be anything) and any value that looks like key material are replaced by a note; public keys are public and shown.
 */
import { argsFor } from '../args';
import { looksLikeKeyMaterial } from '../../config';
import type { EnvContext } from '../context';
import { EXIT_OK } from '../../lib/exit-codes';

const HIDDEN = '(not shown)';

/** The value with build-arg values and key material replaced; `path` is the field's dotted name. */
function redacted(value: unknown, path: string): unknown {
  if (typeof value === 'string') {
    const key = path.startsWith('ssh.publicKeys.');
    return !key && looksLikeKeyMaterial(value) ? HIDDEN : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const hide = path === 'app.build.buildArgs';
  const entries = Object.entries(value).map(([k, v]) => {
    const inner = path === '' ? k : `${path}.${k}`;
    return [k, hide ? HIDDEN : redacted(v, inner)];
  });
  return Array.isArray(value) ? entries.map(([, v]) => v) : Object.fromEntries(entries);
}

/** `field.path: value` lines, objects flattened, lists and scalars as JSON. */
function lines(value: unknown, path: string): string[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => lines(v, path === '' ? k : `${path}.${k}`));
  }
  return [`${path}: ${JSON.stringify(value)}`];
}

export function configCommand(ctx: EnvContext): Promise<number> {
  const shown = redacted(ctx.env, '');
  const text = argsFor(ctx.args, 'config').json
    ? JSON.stringify(shown, null, 2)
    : lines(shown, '').join('\n');
  ctx.deps.stdout.write(`${text}\n`);
  return Promise.resolve(EXIT_OK);
}
