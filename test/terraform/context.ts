import { GcsEmulator } from './emulator';
import { Tally } from './harness';
import { SynthStack } from './synth';
import { Tf } from './terraform';

/** What every group of checks shares. */
export interface TierContext {
  readonly tf: Tf;
  readonly gcs: GcsEmulator;
  readonly tally: Tally;
  /** Scratch folder of this run; each fixture is synthesized into `<work>/<fixture>/cdktf.out`. */
  readonly work: string;
}

/** A stack of a synthesized fixture, by name; throws when the fixture has no such stack. */
export function stackOf(stacks: readonly SynthStack[], name: string): SynthStack {
  const stack = stacks.find((s) => s.name === name);
  if (stack === undefined)
    throw new Error(`no stack "${name}" (have ${stacks.map((s) => s.name).join(', ')})`);
  return stack;
}

/** The state object Terraform's gcs backend writes for a stack with this backend block. */
export function stateObject(json: Record<string, any>): { bucket: string; object: string } {
  const gcs = json.terraform.backend.gcs;
  return { bucket: gcs.bucket, object: `${gcs.prefix}/default.tfstate` };
}
