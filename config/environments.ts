import { ProjectSpec } from './environment-config';

/**
 * The environments this repository manages: one record each, one stack each.
 * Edit here; `npx cdktf synth` validates every record before writing anything, and synth reads nothing else:
 * no environment variable, no file under ~, so the JSON a reviewer approves is the JSON anyone deploys.
 * Field reference and defaults: config/environment-config.ts and README.md.
 *
 * Before the first deploy, set `projectId` and, for OS Login, `ssh.user`: the OS Login POSIX name of the identity
 * that deploys (`gcloud compute os-login describe-profile` shows it; a CI service account's is `sa_<uniqueId>`).
 */
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
      app: { image: 'vladimirdenisov69/otus-reddit:1.0', port: 9292 },
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
      app: { image: 'vladimirdenisov69/otus-reddit:1.0', port: 9292 },
    },
  ],
};
