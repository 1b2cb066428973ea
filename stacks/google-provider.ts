import { GoogleProvider, GoogleProviderConfig } from '@cdktf/provider-google/lib/provider';
import { Construct } from 'constructs';

/**
 * How long the provider waits for one HTTP request to Google: not for an operation (a resource's own timeouts
 * cover those), only for one answer. The provider's default is 120 s; most Google APIs give up on a request
 * after 30 s themselves. It also bounds an interrupt: on Ctrl-C Terraform saves its state and releases its
 * lock only once the requests in flight have returned, and the provider does not cancel a request on stop,
 * so a request that hangs held `up` for 120 s after Ctrl-C (measured against the double of Google's APIs).
 */
export const GOOGLE_REQUEST_TIMEOUT = '30s';

/** The stack's Google provider, with GOOGLE_REQUEST_TIMEOUT. */
export function googleProvider(
  scope: Construct,
  config: GoogleProviderConfig = {},
): GoogleProvider {
  return new GoogleProvider(scope, 'google', { ...config, requestTimeout: GOOGLE_REQUEST_TIMEOUT });
}
