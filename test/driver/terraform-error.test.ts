import { terraformErrorLine } from '../../driver/terraform-error';

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
