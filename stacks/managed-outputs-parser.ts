/**
 * The strict parser of a managed environment's outputs (stacks/managed-outputs.ts), and of either fleet's: the
 * driver reads an environment's outputs with `parseFleetOutputs` and branches on `fleet`. Throws OutputsError
 * naming the stack and the offending output. No cdktf import: the driver loads this file.
 */
import { PROJECT_ID, RFC1035_NAME } from '../lib/constants';
import type { ManagedOutputs } from './managed-outputs';
import type { StackOutputs } from './outputs';
import {
  describe,
  ENV_NAME,
  OutputsError,
  parseStackOutputs,
  rawStackOutputs,
  requireMatch,
  requireOutput,
  URL_RE,
} from './outputs-parser';

/** An environment's outputs, of either fleet kind. */
export type FleetOutputs = ({ readonly fleet: 'fixed' } & StackOutputs) | ManagedOutputs;

/** `europe-west1`, `us-central1`, … */
const REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const KNOWN = new Set([
  'fleet',
  'environment',
  'project',
  'region',
  'group',
  'template',
  'app_url',
  'app_port',
  'app_health_path',
]);

type Raw = Record<string, unknown>;

function port(raw: Raw, where: string): number {
  const value = requireOutput(raw, 'app_port', where);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new OutputsError(
      `${where}: output "app_port" must be a port number (1-65535), got ${describe(value)}`,
    );
  }
  return value;
}

/** The outputs of a managed stack: every output present, of its form, and nothing else. */
function parseManaged(raw: Raw, where: string): ManagedOutputs {
  const unknown = Object.keys(raw).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0)
    throw new OutputsError(
      `${where}: output "${unknown[0]}" is not an output of a managed fleet (known: ${[...KNOWN].join(', ')})`,
    );
  const field = (name: string, test: (v: string) => boolean, what: string) =>
    requireMatch(raw, name, where, test, what);
  return {
    fleet: 'managed',
    environment: field(
      'environment',
      (v) => ENV_NAME.test(v),
      `a name matching ${ENV_NAME.source}`,
    ),
    project: field('project', (v) => PROJECT_ID.test(v), 'a Google Cloud project ID'),
    region: field('region', (v) => REGION.test(v), 'a region such as europe-west1'),
    group: field('group', (v) => RFC1035_NAME.test(v), 'an instance group name'),
    template: field('template', (v) => RFC1035_NAME.test(v), 'an instance template name'),
    app_url: field('app_url', (v) => URL_RE.test(v), 'an http(s):// URL without a path'),
    app_port: port(raw, where),
    app_health_path: field('app_health_path', (v) => /^\/\S*$/.test(v), 'a path starting with "/"'),
  };
}

/** Validates the outputs of `stack`, a fixed fleet's (no `fleet` output, or "fixed") or a managed one's. */
export function parseFleetOutputs(json: unknown, stack: string): FleetOutputs {
  const { raw, where } = rawStackOutputs(json, stack);
  const fleet = raw.fleet ?? 'fixed';
  if (fleet === 'managed') return parseManaged(raw, where);
  if (fleet !== 'fixed')
    throw new OutputsError(
      `${where}: output "fleet" must be "fixed" or "managed", got ${describe(raw.fleet)}`,
    );
  return { fleet: 'fixed', ...parseStackOutputs(json, stack) };
}
