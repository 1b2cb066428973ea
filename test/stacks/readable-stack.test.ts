import { App, TerraformStack, Testing } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Construct } from 'constructs';
import { ReadableStack } from '../../stacks/readable-stack';

class TestStack extends ReadableStack {}

function newStack(): TerraformStack {
  const stack = new TestStack(Testing.app() as App, 'test');
  new GoogleProvider(stack, 'google', {});
  return stack;
}

describe('ReadableStack', () => {
  test('addresses are the construct path, without hashes, "Default" adding nothing', () => {
    const stack = newStack();
    const group = new Construct(stack, 'group');
    new ServiceAccount(group, 'Default', { accountId: 'one-account' });
    new ServiceAccount(group, 'other', { accountId: 'two-account' });
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.keys(json.resource.google_service_account)).toEqual(['group', 'group_other']);
  });

  test('two constructs that would share an address fail loudly', () => {
    const stack = newStack();
    new ServiceAccount(new Construct(stack, 'a'), 'b_c', { accountId: 'one-account' });
    new ServiceAccount(new Construct(stack, 'a_b'), 'c', { accountId: 'two-account' });
    expect(() => Testing.synth(stack)).toThrow(
      'constructs "test/a/b_c" and "test/a_b/c" would share the Terraform name "a_b_c"',
    );
  });
});
