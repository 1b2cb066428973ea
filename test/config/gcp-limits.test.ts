import { ConfigError, MAX_LABELS } from '../../config';
import { MAX_USER_LABELS, SYSTEM_LABEL_KEYS } from '../../config/gcp';
import { packerVars } from '../../driver/plan/tools';
import { resolveEnvs, validEnv } from '../helpers';

function errorOf(overrides: Parameters<typeof validEnv>[0], extra = {}): string {
  try {
    resolveEnvs([validEnv(overrides)], extra);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('resolved without error');
}

const manyLabels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}`, 'x']));

describe("labels: Google's 64 per resource, counting the ones the project sets", () => {
  test('the largest user set fits every resource, the image included', () => {
    const [env] = resolveEnvs([validEnv({ labels: manyLabels(MAX_USER_LABELS) })]).environments;
    expect(Object.keys(packerVars(env, 'f'.repeat(64)).image_labels).length + 1).toBeLessThanOrEqual(MAX_LABELS);
    expect(Object.keys(env.labels).length + SYSTEM_LABEL_KEYS.host.length).toBeLessThanOrEqual(MAX_LABELS);
  });

  test('one more is refused, naming the limit', () => {
    expect(errorOf({ labels: manyLabels(MAX_USER_LABELS + 1) })).toContain(
      `field "labels" must have at most ${MAX_USER_LABELS} entries: Google allows 64 labels per resource`,
    );
  });

  test.each([
    [{ 'source-hash': 'x' }, 'field "labels.source-hash" is set by the project'],
    [{ 'source-image-family': 'x' }, 'field "labels.source-image-family" is set by the project'],
    [{ 'goog-team': 'x' }, 'field "labels.goog-team" must not start with "goog"'],
    [
      { ['k'.repeat(64)]: 'x' },
      'keys must be lowercase letters, digits, "_" and "-", starting with a letter, at most 63',
    ],
    [
      { team: 'v'.repeat(64) },
      'field "labels.team" must be lowercase letters (international ones too), digits, "_" and "-", at most 63',
    ],
  ])('%j', (labels, message) => expect(errorOf({ labels })).toContain(message));
});

describe('machine type against the boot disk', () => {
  test.each([
    [
      'n4-standard-2',
      'pd-balanced',
      'field "diskType" must be a disk type the n4 family boots from: hyperdisk-balanced (got "pd-balanced" with machineType "n4-standard-2")',
    ],
    ['c4-standard-4', 'pd-ssd', 'the c4 family boots from: hyperdisk-balanced'],
    ['e2-small', 'hyperdisk-balanced', 'the e2 family boots from: pd-balanced, pd-standard, pd-ssd'],
    ['c3-standard-4', 'pd-standard', 'the c3 family boots from: pd-balanced, pd-ssd, hyperdisk-balanced'],
  ] as const)('%s with %s', (machineType, diskType, message) =>
    expect(errorOf({ machineType, diskType })).toContain(message),
  );

  test('a Hyperdisk-only family gets Hyperdisk by default, and the stack uses the configured type', () => {
    const [env] = resolveEnvs([validEnv({ machineType: 'c4-standard-4' })]).environments;
    expect(env.diskType).toBe('hyperdisk-balanced');
  });

  test.each([
    ['a2-highgpu-1g', 'the a2 family is a GPU family'],
    ['g2-standard-4', 'the g2 family is a GPU family'],
    ['t2a-standard-1', 'the t2a family is an Arm (aarch64) family'],
    ['c4a-standard-1', 'the c4a family is an Arm (aarch64) family'],
    ['zz9-standard-1', 'field "machineType" must be of a supported machine family: e2, n1'],
  ])('%s is refused with its reason', (machineType, message) => expect(errorOf({ machineType })).toContain(message));

  test.each([
    [
      'e2-nonexistent',
      'field "machineType" must be a machine type of the e2 family, such as "e2-micro" (got "e2-nonexistent"',
    ],
    ['n2-standard-3', 'must be a machine type of the n2 family'],
    ['e2-highmem-32', 'must be a machine type of the e2 family'],
    ['f1-small', 'must be a machine type of the f1 family'],
  ])('%s does not exist: refused at synth, not by Google', (machineType, message) =>
    expect(errorOf({ machineType })).toContain(message),
  );

  test.each([
    'e2-small',
    'n1-standard-1',
    'n2-custom-4-8192',
    'e2-custom-2-4096-ext',
    'c3-standard-4-lssd',
    'g1-small',
  ])('%s exists', (machineType) => expect(() => resolveEnvs([validEnv({ machineType })])).not.toThrow());

  test.each([
    ['europe-west1', 'europe-west1-a', 'europe-west1-b, europe-west1-c, europe-west1-d'],
    ['us-central1', 'us-central1-d', 'us-central1-a, us-central1-b, us-central1-c, us-central1-f'],
    ['europe-west4', 'europe-west4-f', 'europe-west4-a, europe-west4-b, europe-west4-c'],
  ])('in %s, zone %s does not exist: the message names the zones', (region, zone, zones) =>
    expect(errorOf({ region, zone })).toContain(`field "zone" must be a zone of region "${region}": ${zones}`),
  );

  test('an unknown disk type', () => {
    expect(errorOf({ diskType: 'local-ssd' as 'pd-ssd' })).toContain('field "diskType" must be a boot disk type');
  });
});

describe('state bucket location and name', () => {
  test.each(['EU', 'US', 'ASIA', 'EUR4', 'nam4', 'europe-west1', 'US-CENTRAL1'])(
    '%s is a location',
    (stateLocation) => {
      expect(resolveEnvs([validEnv()], { stateLocation }).stateLocation).toBe(stateLocation);
    },
  );

  test.each(['Mars', 'EUROPE', 'EUR9', 'europe-west99', 'US-EAST'])('%s is not', (stateLocation) => {
    expect(errorOf({}, { stateLocation })).toContain('field "stateLocation" must be a Cloud Storage location');
  });

  test.each([
    ['acme-google-hosts', 'contains "google"'],
    ['goog-docker-hosts', 'starts with "goog"'],
    ['my-g00gle-hosts', 'contains "g00gle"'],
  ])('project %s names a bucket Google reserves', (projectId, why) => {
    expect(errorOf({ projectId })).toContain(`names the state bucket "${projectId}-tfstate", which ${why}`);
  });

  test('regions are the real set', () => {
    expect(errorOf({ region: 'europe-west5', zone: 'europe-west5-b' })).toContain(
      'field "region" must be a Compute Engine region',
    );
  });
});

describe('CIDRs: canonical IPv4', () => {
  test.each([
    ['10.0.0.0/08', 'no leading zeros'],
    ['010.0.0.0/8', 'no leading zeros'],
    ['10.0.0.1/8', 'no host bits set'],
  ])('%s is refused', (range, message) => expect(errorOf({ appSourceRanges: [range] })).toContain(message));

  test('an IPv6 range is refused where the hosts have no IPv6', () => {
    expect(errorOf({ appSourceRanges: ['2001:db8::/32'] })).toContain(
      'field "appSourceRanges" must contain IPv4 ranges only: the hosts have no IPv6 address',
    );
  });
});

describe("Docker's grammar", () => {
  test.each([
    'nginx',
    'nginx:1.27-alpine',
    'registry.example.com:5000/team/app:1.0',
    'ghcr.io/org/app@sha256:' + 'a'.repeat(64),
    'a__b/c---d:tag_1',
  ])('image %s is accepted', (image) => {
    expect(resolveEnvs([validEnv({ app: { image } })]).environments[0].app.image).toBe(image);
  });

  test.each(['Nginx:latest', 'nginx:', 'a___b', 'nginx:-tag', `${'a'.repeat(256)}:1`, 'nginx@sha256:abc'])(
    'image %s is refused',
    (image) => expect(errorOf({ app: { image } })).toContain('field "app.image" must'),
  );

  test.each(['a', '-app', 'app name', '/app'])('container name %j is refused', (containerName) => {
    expect(errorOf({ app: { containerName } })).toContain('field "app.containerName" must be a Docker container name');
  });
});
