import { packerErrorLine, terraformErrorLine } from '../../driver/tool-errors';

describe('terraformErrorLine', () => {
  // Terraform 1.5.7's -no-color output of a failed apply against a closed proxy (test/driver-real).
  const output = [
    'google_storage_bucket.acme-real-tfstate: Creating...',
    '╷',
    '│ Error: Post "https://storage.googleapis.com/storage/v1/b?alt=json": proxyconnect tcp: dial tcp 127.0.0.1:4: connect: connection refused',
    '│ ',
    '│   with google_storage_bucket.acme-real-tfstate,',
    '│   on cdk.tf.json line 66, in resource.google_storage_bucket.acme-real-tfstate:',
    '╵',
  ].join('\n');

  it('names the resource and the cause in one line', () => {
    expect(terraformErrorLine(output)).toBe(
      'google_storage_bucket.acme-real-tfstate: Post "https://storage.googleapis.com/storage/v1/b?alt=json": ' +
        'proxyconnect tcp: dial tcp 127.0.0.1:4: connect: connection refused',
    );
  });

  it('gives the cause alone when no resource is named', () => {
    expect(terraformErrorLine('Error: Saved plan is stale\n')).toBe('Saved plan is stale');
  });

  it('gives nothing without an Error line', () => {
    expect(terraformErrorLine('Apply complete!\n')).toBeUndefined();
  });
});

describe('packerErrorLine', () => {
  // Packer 1.9.5's output of `packer build` with a static token against a closed proxy (test/driver-real).
  const get = 'Get "https://compute.googleapis.com/compute/v1/projects/debian-cloud/global/images/family/debian-13": ';
  const refused = 'proxyconnect tcp: dial tcp 127.0.0.1:4: connect: connection refused';
  const output = [
    '==> googlecompute.docker-host-base: Error getting source image for instance creation: Could not find image',
    "Build 'googlecompute.docker-host-base' errored after 1 second 25 milliseconds: Error getting source image for " +
      'instance creation: Could not find image, debian-13, in projects, [debian-cloud]: 1 error(s) occurred:',
    `* ${get}${refused}`,
    '==> Wait completed after 1 second 25 milliseconds',
  ].join('\n');

  it('names the build and the cause, with the error the cause lists, in one line', () => {
    expect(packerErrorLine(output)).toBe(
      'googlecompute.docker-host-base: Error getting source image for instance creation: Could not find image, ' +
        `debian-13, in projects, [debian-cloud]: ${get}${refused}`,
    );
  });

  it('gives the cause as printed when it lists nothing', () => {
    const line = "Build 'googlecompute.x' errored after 1 millisecond: google: could not find default credentials.";
    expect(packerErrorLine(line)).toBe('googlecompute.x: google: could not find default credentials.');
  });

  it('gives nothing without an errored build', () => {
    expect(packerErrorLine('Build finished.\n')).toBeUndefined();
  });
});
