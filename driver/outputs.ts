/**
 * Reads what `cdktf deploy <env> --outputs-file` wrote: the hosts and their addresses, for the check step and for
 * the `env` and `status` commands. Parsing and validation are lib/inventory.ts's (one reader of the outputs shape).
 */
import { readFileSync } from 'node:fs';

export interface HostAddress {
  readonly name: string;
  readonly zone?: string;
  readonly externalIp: string;
  readonly internalIp?: string;
}

export interface StackHosts {
  readonly stack: string;
  readonly hosts: readonly HostAddress[];
  readonly appPort?: number;
  readonly sshUser?: string;
}

export class OutputsError extends Error {
  override name = 'OutputsError';
}

// TODO(driver): switch to lib/inventory.ts parseStackOutputs once it lands (helper-1).
function parse(json: unknown, stack: string): StackHosts {
  const root = json as Record<string, unknown> | null;
  const outputs = root?.[stack] as Record<string, unknown> | undefined;
  if (outputs === undefined || outputs === null || typeof outputs !== 'object') {
    throw new OutputsError(`no outputs for stack "${stack}"`);
  }
  const hosts = outputs.hosts as Record<string, Record<string, unknown>> | undefined;
  if (hosts === undefined || typeof hosts !== 'object') throw new OutputsError(`stack "${stack}" has no "hosts" output`);
  return {
    stack,
    hosts: Object.entries(hosts).map(([name, h]) => ({
      name,
      zone: typeof h.zone === 'string' ? h.zone : undefined,
      externalIp: String(h.external_ip),
      internalIp: typeof h.internal_ip === 'string' ? h.internal_ip : undefined,
    })),
    appPort: typeof outputs.app_port === 'number' ? outputs.app_port : undefined,
    sshUser: typeof outputs.ssh_user === 'string' ? outputs.ssh_user : undefined,
  };
}

export function readStackHosts(file: string, stack: string): StackHosts {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new OutputsError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OutputsError(`${file} is not JSON: ${(err as Error).message}`);
  }
  try {
    return parse(json, stack);
  } catch (err) {
    throw new OutputsError(`${file}: ${(err as Error).message}`);
  }
}
