/**
 * `dataDisk`: a persistent disk per host for the data that must outlive it, and the snapshot schedule of those
 * disks. The disk type must be one the machine family attaches (config/gcp.ts, the same list as the boot disk's).
 */
import { DEFAULTS } from './defaults';
import { DataDiskConfig, DataDiskSpec, SnapshotSchedule, SnapshotSpec } from './environment-config';
import { checkInt, fail } from './error';
import { MACHINE_FAMILIES } from './gcp';
import { show } from './redact';

/** Hourly schedules Google runs evenly through a day. */
export const SNAPSHOT_HOURS: readonly number[] = [1, 2, 3, 4, 6, 8, 12];

const SCHEDULE_ALLOWED = `must be "daily at HH:00" (UTC, on the hour) or "every N hours" with N one of ${SNAPSHOT_HOURS.join(', ')}`;

/** 'daily at 03:00' or 'every 6 hours', parsed; undefined when it is neither. */
export function parseSnapshotSchedule(text: string): SnapshotSchedule | undefined {
  const daily = /^daily at ([01][0-9]|2[0-3]):00$/.exec(text);
  if (daily) return { kind: 'daily', startTime: `${daily[1]}:00` };
  const hourly = /^every ([0-9]{1,2}) hours?$/.exec(text);
  if (hourly && SNAPSHOT_HOURS.includes(Number(hourly[1])))
    return { kind: 'hourly', hours: Number(hourly[1]), startTime: '00:00' };
  return undefined;
}

function resolveSnapshots(env: string, spec: SnapshotSpec | undefined) {
  const d = DEFAULTS.dataDisk.snapshots;
  const schedule = spec?.schedule ?? d.schedule;
  const parsed = parseSnapshotSchedule(schedule);
  if (parsed === undefined)
    fail(
      { env, name: 'dataDisk.snapshots.schedule' },
      `${SCHEDULE_ALLOWED} (got ${show(schedule)})`,
    );
  const retentionDays = checkInt(
    { env, name: 'dataDisk.snapshots.retentionDays' },
    spec?.retentionDays ?? d.retentionDays,
    1,
    3650,
  );
  return { schedule, parsed, retentionDays };
}

function resolveDiskHosts(env: string, spec: DataDiskSpec, hostNames: readonly string[]): string[] {
  const hosts = spec.hosts ?? hostNames;
  if (hosts.length === 0)
    fail(
      { env, name: 'dataDisk.hosts' },
      'must name at least one host (leave dataDisk out for none)',
    );
  for (const host of hosts) {
    if (!hostNames.includes(host)) {
      fail(
        { env, name: 'dataDisk.hosts' },
        `must name hosts of this environment: ${hostNames.join(', ')} (got ${show(host)})`,
      );
    }
  }
  if (new Set(hosts).size !== hosts.length)
    fail({ env, name: 'dataDisk.hosts' }, `must name each host once (got ${show(hosts)})`);
  return [...hosts].sort();
}

/** The environment's data disks; undefined when it has none. */
export function resolveDataDisk(
  env: string,
  spec: DataDiskSpec | undefined,
  host: { readonly hostNames: readonly string[]; readonly machineType: string },
): DataDiskConfig | undefined {
  if (spec === undefined) return undefined;
  const family = host.machineType.split('-')[0];
  const types = MACHINE_FAMILIES[family];
  const type = spec.type ?? types[0];
  if (!types.includes(type)) {
    fail(
      { env, name: 'dataDisk.type' },
      `must be a disk type the ${family} family attaches: ${types.join(', ')} (got ${show(type)} with machineType "${host.machineType}")`,
    );
  }
  return {
    sizeGb: checkInt({ env, name: 'dataDisk.sizeGb' }, spec.sizeGb, 10, 65536),
    type,
    hosts: resolveDiskHosts(env, spec, host.hostNames),
    snapshots: resolveSnapshots(env, spec.snapshots),
  };
}
