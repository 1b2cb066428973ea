/**
 * `accessories`: named long-running containers next to the app, each on one host of the environment. Reached by
 * name from the app on its host; with a port, at `<host>:<port>` from the fleet's other hosts (the stack opens
 * exactly those ports between the fleet's own hosts).
 */
import { DEFAULTS } from './defaults';
import { AccessoryConfig, AccessorySpec } from './environment-config';
import { checkInt, checkPattern, fail } from './error';
import { PATTERNS } from './patterns';
import { show } from './redact';
import { resolveImage } from './resolve-app';
import { resolveContainerData } from './resolve-container-data';

/** Ports an accessory may not take on a host besides the app's: SSH's. */
const RESERVED_PORTS: readonly number[] = [22];

interface Fleet {
  readonly hostNames: readonly string[];
  readonly app: { readonly port: number; readonly containerName: string };
}

function resolveAccessory(
  env: string,
  name: string,
  spec: AccessorySpec,
  fleet: Fleet,
): AccessoryConfig {
  const prefix = `accessories.${name}`;
  checkPattern({ env, name: 'accessories' }, name, PATTERNS.accessoryName);
  // A deploy starts the new release as <containerName>-next before renaming it (ansible/roles/app).
  if (name === fleet.app.containerName || name === `${fleet.app.containerName}-next`) {
    fail(
      { env, name: prefix },
      `must not be named like the app's container or its next release (${show(name)})`,
    );
  }
  if (spec.image === undefined)
    fail(
      { env, name: `${prefix}.image` },
      'must be given: an image by tag or digest, such as "mongo:4.4"',
    );
  const host = spec.host ?? fleet.hostNames[0];
  if (!fleet.hostNames.includes(host)) {
    fail(
      { env, name: `${prefix}.host` },
      `must be one of this environment's hosts: ${fleet.hostNames.join(', ')} (got ${show(host)})`,
    );
  }
  const port =
    spec.port === undefined
      ? undefined
      : checkInt({ env, name: `${prefix}.port` }, spec.port, 1, 65535);
  if (port !== undefined && (port === fleet.app.port || RESERVED_PORTS.includes(port))) {
    fail(
      { env, name: `${prefix}.port` },
      `must not be the app's port (${fleet.app.port}) nor SSH's (22) (got ${port})`,
    );
  }
  return {
    name,
    image: resolveImage(env, spec.image, `${prefix}.image`),
    ...(port === undefined ? {} : { port }),
    ...resolveContainerData(env, prefix, spec),
    host,
  };
}

/** Two accessories on one host may not publish the same port. */
function checkPorts(env: string, accessories: readonly AccessoryConfig[]): void {
  const taken = new Map<string, string>();
  for (const a of accessories) {
    if (a.port === undefined) continue;
    const key = `${a.host}:${a.port}`;
    const other = taken.get(key);
    if (other !== undefined) {
      fail(
        { env, name: `accessories.${a.name}.port` },
        `is already published on ${a.host} by accessory "${other}" (got ${a.port})`,
      );
    }
    taken.set(key, a.name);
  }
}

/** The accessories, in name order. */
export function resolveAccessories(
  env: string,
  spec: Readonly<Record<string, AccessorySpec>> | undefined,
  fleet: Fleet,
): AccessoryConfig[] {
  const specs: Readonly<Record<string, AccessorySpec>> = spec ?? DEFAULTS.accessories;
  const accessories = Object.entries(specs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, accessory]) => resolveAccessory(env, name, accessory, fleet));
  checkPorts(env, accessories);
  return accessories;
}
