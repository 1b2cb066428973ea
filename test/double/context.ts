import { GcsEmulator } from '../terraform/emulator';
import { Tally } from '../terraform/harness';
import { Tf } from '../terraform/terraform';
import { GoogleDouble } from './server';

/** What every check of the double's tier shares. */
export interface DoubleContext {
  readonly tf: Tf;
  readonly gcs: GcsEmulator;
  readonly double: GoogleDouble;
  readonly tally: Tally;
  readonly work: string;
}
