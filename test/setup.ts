// Brings the matchers' type declarations (jest.Matchers augmentation) into the type check.
import type {} from 'cdktf/lib/testing/adapters/jest';

/**
 * cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...), registered here but loaded on first use: most
 * test files never synthesize a stack, and loading cdktf costs each of them about 0.2 s of the suite's time.
 */
const NAMES = [
  'toHaveResource',
  'toHaveResourceWithProperties',
  'toHaveDataSource',
  'toHaveDataSourceWithProperties',
  'toHaveProvider',
  'toHaveProviderWithProperties',
  'toBeValidTerraform',
  'toPlanSuccessfully',
] as const;

type Matcher = (this: jest.MatcherContext, ...args: unknown[]) => jest.CustomMatcherResult;
let loaded: Record<string, Matcher> | undefined;

/** cdktf's own matchers, captured from its Testing.setupJest() (which calls expect.extend once). */
function cdktfMatchers(): Record<string, Matcher> {
  if (loaded !== undefined) return loaded;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { setupJest } = require('cdktf/lib/testing/adapters/jest') as { setupJest: () => void };
  const real = expect.extend;
  expect.extend = (matchers) => {
    loaded = matchers as Record<string, Matcher>;
  };
  try {
    setupJest();
  } finally {
    expect.extend = real;
  }
  return loaded ?? {};
}

expect.extend(
  Object.fromEntries(
    NAMES.map((name) => [
      name,
      function (this: jest.MatcherContext, ...args: unknown[]) {
        return cdktfMatchers()[name].apply(this, args);
      },
    ]),
  ),
);
