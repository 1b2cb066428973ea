/**
 * Every default of the configuration, once. The README's field table, the Ansible role defaults and the Packer
 * variables are checked against this object by test/config/defaults.test.ts.
 */
import { DEFAULT_DEPLOY_USER } from '../lib/constants';
import { IAP_SSH_RANGE } from './environment-config';

export const DEFAULTS = {
  hostCount: 1,
  machineType: 'e2-small',
  diskSizeGb: 20,
  imageFamily: 'docker-host-base',
  sourceImageFamily: 'debian-13',
  sourceImageProject: 'debian-cloud',
  network: 'default',
  exposure: 'load-balancer',
  lbLogSampleRate: 1,
  deletionProtection: false,
  appSourceRanges: ['0.0.0.0/0'],
  sshSourceRanges: [IAP_SSH_RANGE],
  allowSshFromAnywhere: false,
  ssh: { user: DEFAULT_DEPLOY_USER, osLogin: false, privateKeyFile: '~/.ssh/docker-hosts' },
  app: {
    image: 'vladimirdenisov69/otus-reddit:1.0',
    port: 9292,
    containerName: 'app',
    healthCheckPath: '/',
    build: { dockerfile: 'Dockerfile', name: 'app', buildArgs: {} },
    env: {},
    secrets: {},
    volumes: [],
  },
  accessories: {},
  dataDisk: { snapshots: { schedule: 'daily at 03:00', retentionDays: 14 } },
  rollout: { canary: 1, batch: '25%' },
  fleet: 'fixed',
  /** maxSurge defaults to the region's number of zones (config/resolve-managed.ts). */
  managed: { minHosts: 2, maxHosts: 6, target: { cpu: 0.6 }, initialDelaySec: 300 },
  stateLocation: 'EU',
  stateVersionsKept: 10,
  backendState: 'local',
  registry: {
    repository: 'docker-hosts',
    keepVersions: 10,
    deleteUntaggedAfterDays: 7,
    deleteTaggedAfterDays: 30,
  },
} as const;
