/**
 * Google's answers that mean a login is missing or expired, read from a tool's output (Terraform's gcs backend and
 * provider, gcloud), so a failure names that cause and its fix first instead of burying it in the tool's tail.
 */

const ADC_FIX =
  'run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a key file)';

const CAUSES: readonly { readonly match: RegExp; readonly cause: string; readonly fix: string }[] =
  [
    {
      match: /could not find default credentials/i,
      cause: 'no Application Default Credentials (Google: "could not find default credentials")',
      fix: ADC_FIX,
    },
    {
      match:
        /invalid_grant|invalid_rapt|reauthentication (is needed|failed)|token has been expired or revoked/i,
      cause:
        'the Application Default Credentials have expired or were revoked (Google: invalid_grant / reauthentication)',
      fix: ADC_FIX,
    },
    {
      match: /you do not currently have an active account selected/i,
      cause: 'gcloud has no active account (SSH through IAP runs gcloud as you)',
      fix: 'run `gcloud auth login`',
    },
  ];

/** `<cause>; fix: <fix>` when the output shows a missing or expired Google login, else undefined. */
export function loginCause(output: string): string | undefined {
  const found = CAUSES.find((c) => c.match.test(output));
  return found === undefined ? undefined : `${found.cause}; fix: ${found.fix}`;
}
