import { ProjectSpec } from './environment-config';

/**
 * The environments this repository manages: one record each, one stack each.
 * Edit here; `npx cdktf synth` validates every record before writing anything, and synth reads nothing else:
 * no environment variable, no file under ~, so the JSON a reviewer approves is the JSON anyone deploys.
 * Field reference and defaults: config/environment-config.ts and README.md.
 *
 * Before the first deploy, set `projectId` and, for OS Login, `ssh.user`: the OS Login POSIX name of the identity
 * that deploys (`gcloud compute os-login describe-profile` shows it; a CI service account's is `sa_<uniqueId>`).
 *
 * The example app's MongoDB is an accessory (`mongo`) on docker-host-001, its files on that host's data disk: a
 * deploy, a rollback or a host replacement keeps the posts. The app finds it at `docker-host-001:27017` (GCE's
 * internal DNS resolves an instance's name from every host of the network, and a container uses its host's
 * resolver): one value for every host, where the name `mongo` would resolve only on docker-host-001's own Docker
 * network. For a production database, prefer a managed service (README.md, "The app's data").
 */
const EXAMPLE_APP = { image: 'vladimirdenisov69/otus-reddit:1.0', port: 9292 } as const;
/** The app's database: the app reads `DATABASE_URL` (the original image's db_config). */
const EXAMPLE_APP_ENV = { DATABASE_URL: 'docker-host-001:27017' } as const;
const MONGO = {
  image: 'mongo:4.4',
  port: 27017,
  host: 'docker-host-001',
  volumes: ['mongo:/data/db'],
} as const;
export const PROJECT: ProjectSpec = {
  stateLocation: 'EU',
  stateVersionsKept: 10,
  environments: [
    {
      name: 'stage',
      region: 'europe-west1',
      zone: 'europe-west1-b',
      hostCount: 1,
      machineType: 'e2-small',
      imageFamily: 'docker-host-base',
      // A quick single-host rehearsal: the host's own static IP, no load balancer or NAT to pay for.
      exposure: 'public-ips',
      appSourceRanges: ['0.0.0.0/0'],
      sshSourceRanges: ['35.235.240.0/20'],
      labels: { team: 'ops' },
      // Who may log in is IAM policy (roles/compute.osAdminLogin), not keys copied into metadata.
      ssh: { osLogin: true, user: 'ops_example_com' },
      app: { ...EXAMPLE_APP, env: EXAMPLE_APP_ENV },
      accessories: { mongo: MONGO },
      // The smallest persistent disk, on the cheapest type; a week of daily snapshots.
      dataDisk: {
        sizeGb: 10,
        type: 'pd-standard',
        snapshots: { schedule: 'daily at 03:00', retentionDays: 7 },
      },
    },
    {
      name: 'prod',
      region: 'europe-west1',
      zone: 'europe-west1-d',
      hostCount: 3,
      machineType: 'e2-standard-2',
      diskSizeGb: 30,
      imageFamily: 'docker-host-base',
      // Behind a global HTTP(S) load balancer; the hosts have no external IP. Set `domain` for HTTPS.
      exposure: 'load-balancer',
      deletionProtection: true,
      sshSourceRanges: ['35.235.240.0/20'],
      labels: { team: 'ops' },
      ssh: { osLogin: true, user: 'ops_example_com' },
      app: { ...EXAMPLE_APP, env: EXAMPLE_APP_ENV },
      accessories: { mongo: MONGO },
      // Only the database's host keeps data; two weeks of daily snapshots.
      dataDisk: {
        sizeGb: 20,
        hosts: ['docker-host-001'],
        snapshots: { schedule: 'daily at 03:00', retentionDays: 14 },
      },
    },
  ],
};
