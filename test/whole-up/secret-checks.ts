import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BACKEND_STATE_FILE } from '../../lib/constants';
import { terraformAsyncOk } from '../double/apply';
import { REAL_PROJECT } from '../driver-real/setup';
import { assert } from '../terraform/harness';
import { WholeUp } from './context';
import { onHost, TEST_APP_IMAGE } from './hosts';
import { PLAIN_ENV } from './secrets';

const BUCKET = `${REAL_PROJECT}-tfstate`;
/** stage's app container (the config's default name). */
const APP_CONTAINER = 'app';

/** One thing searched for the value: its name, and its bytes (read when searched: files may be large). */
interface Item {
  readonly name: string;
  readonly read: () => Buffer | string;
}

/**
 * After stage's `up`s (both hosts run its app): the secret's value is in the app container's environment on every
 * host, its own `docker inspect` shows it (so the search sees values), and no other container's does.
 */
export async function secretReachesChecks(t: WholeUp): Promise<void> {
  const { name, value } = t.secret;
  await t.tally.check(
    `stage's app on every host has ${name} (the secret's value, read on the host) and its plain env`,
    async () => {
      for (const ip of t.hosts.ips.values()) {
        const env = await appEnv(t, ip);
        const names = env.map((l) => l.split('=')[0]).join(' ');
        assert(
          env.includes(`${name}=${value}`),
          `${ip}: no ${name} with the value among: ${names}`,
        );
        for (const [k, v] of Object.entries(PLAIN_ENV))
          assert(env.includes(`${k}=${v}`), `${ip}: no ${k}=${v} among: ${names}`);
      }
    },
  );
  await t.tally.check(
    "the secret's value is in no other container's docker inspect, on any host (the app's own shows it)",
    async () => {
      for (const ip of t.hosts.ips.values()) {
        const containers = await inspectAll(t, ip);
        const own = containers.find((c) => c.name === `/${APP_CONTAINER}`);
        assert(own?.read().includes(value), `${ip}: not in the app's own docker inspect`);
        const others = containers.filter((c) => c !== own);
        if (others.length > 0) search(t, `${ip}: other containers' inspect`, others, '"Config"');
        else console.log(`  (${ip}: no container but the app)`);
      }
    },
  );
}

/**
 * prod's `up` on the same machines (its app has no secret): its app containers, which replaced stage's, hold no
 * trace of stage's secret (the env file on tmpfs was rewritten, not kept).
 */
async function prodContainerCheck(t: WholeUp): Promise<void> {
  const { name } = t.secret;
  await t.tally.check(
    `after prod's up on the same machines, no container there has stage's secret (prod's app no ${name})`,
    async () => {
      for (const ip of t.hosts.ips.values()) {
        const env = await appEnv(t, ip);
        assert(!env.some((l) => l.startsWith(`${name}=`)), `${ip}: prod's app has ${name}`);
        search(t, `${ip}: every container's inspect`, await inspectAll(t, ip), TEST_APP_IMAGE);
      }
    },
  );
}

/**
 * At the end (every `up`, `plan` and `destroy` of stage and prod done): the value is in no container on the
 * hosts (now running prod's app), none of the driver's outputs, nothing under the copy's .run (logs, plans, run
 * folders with cdktf.out and Ansible's logs), no saved plan as `terraform show -json` renders it, no generation of
 * any state in the bucket, and not in the double (its request log, every resource it holds).
 */
export async function secretNowhereChecks(t: WholeUp): Promise<void> {
  const { id } = t.secret;
  await prodContainerCheck(t);
  await t.tally.check("the secret's value is in no output of the driver's runs", () => {
    const runs = t.outputs.map((out, i) => ({ name: `driver run ${i + 1}`, read: () => out }));
    search(t, `${runs.length} driver runs' stdout and stderr`, runs, TEST_APP_IMAGE);
  });
  const run = join(t.repo, '.run');
  await t.tally.check(
    "the secret's value is in no file under .run (logs, plans, cdktf.out)",
    () => {
      const files = filesUnder(run).map((f) => ({ name: f, read: () => readFileSync(f) }));
      search(t, `${files.length} files under .run`, files, id);
    },
  );
  await t.tally.check("the secret's value is in no saved plan (terraform show -json)", async () => {
    const plans = filesUnder(run).filter((f) => f.endsWith('.tfplan'));
    const shown = [];
    for (const plan of plans) {
      const json = await showPlan(t, plan);
      shown.push({ name: plan, read: () => json });
    }
    search(t, `${plans.length} saved plans, shown`, shown, id);
  });
  await t.tally.check(
    "the secret's value is in no Terraform state (every generation; the backend's local one)",
    async () => {
      const local = readdirSync(t.repo).filter((f) => f.startsWith(BACKEND_STATE_FILE));
      assert(local.length > 0, `no ${BACKEND_STATE_FILE} in the copy`);
      const states: Item[] = local.map((f) => ({
        name: f,
        read: () => readFileSync(join(t.repo, f)),
      }));
      for (const { name, generation } of await t.gcs.generations(BUCKET)) {
        const bytes = await t.gcs.readBytes(BUCKET, name, generation);
        states.push({ name: `${name}#${generation}`, read: () => bytes });
      }
      search(
        t,
        `${states.length} states (gs://${BUCKET}'s generations, ${local.join(', ')})`,
        states,
        id,
      );
    },
  );
  await t.tally.check("the secret's value is not in the double (request log, resources)", () => {
    const store = t.double.store;
    const held = store.paths().map((p) => ({ name: p, read: () => JSON.stringify(store.get(p)) }));
    const log = { name: 'the request log', read: () => JSON.stringify(t.double.log) };
    search(t, `the double's request log and ${held.length} resources`, [log, ...held], id);
  });
}

/**
 * Searches `items` for the secret's value (as is, and base64 as Secret Manager sends it), in a way that can fail:
 * there is something to search, and `probe`, a string known to be there, is found in it.
 */
function search(t: WholeUp, what: string, items: readonly Item[], probe: string): void {
  assert(items.length > 0, `${what}: nothing to search`);
  const needles = [t.secret.value, Buffer.from(t.secret.value).toString('base64')];
  let probed = 0;
  const holding: string[] = [];
  for (const item of items) {
    const read = item.read();
    const bytes = typeof read === 'string' ? Buffer.from(read) : read;
    if (bytes.includes(probe)) probed++;
    if (needles.some((n) => bytes.includes(n))) holding.push(item.name);
  }
  assert(probed > 0, `${what}: "${probe}" is in none of them, so the search sees nothing`);
  assert(holding.length === 0, `${what}: the secret's value is in ${holding.join(', ')}`);
  console.log(`  (${what}: ${probed} hold "${probe}", none the secret's value)`);
}

/** The app container's environment on the host, as `NAME=value` lines. */
async function appEnv(t: WholeUp, ip: string): Promise<string[]> {
  const out = await onHost(t.hosts, ip, `docker exec ${APP_CONTAINER} /bin/busybox env`);
  return out.split('\n').filter((l) => l.includes('='));
}

/** Every container on the host (running or not), as `docker inspect` shows it. */
async function inspectAll(t: WholeUp, ip: string): Promise<Item[]> {
  const containers: { Name: string }[] = JSON.parse(
    await onHost(t.hosts, ip, 'docker inspect $(docker ps -a -q)'),
  );
  return containers.map((c) => ({ name: c.Name, read: () => JSON.stringify(c) }));
}

/** The regular files under `dir`, recursively (symbolic links not followed: the provider's mirror). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isDirectory()) return filesUnder(path);
    return stat.isFile() ? [path] : [];
  });
}

/** `terraform show -json` of a saved plan `<run>/<stack>.tfplan`, in the stack's working dir of that run. */
function showPlan(t: WholeUp, plan: string): Promise<string> {
  const stack = basename(plan, '.tfplan');
  return terraformAsyncOk(t.tf, join(dirname(plan), 'cdktf.out', 'stacks', stack), [
    'show',
    '-json',
    plan,
  ]);
}
