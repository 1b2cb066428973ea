import { Testing } from 'cdktf';
// Brings the matchers' type declarations (jest.Matchers augmentation) into the type check.
import type {} from 'cdktf/lib/testing/adapters/jest';

// Adds toHaveResource, toHaveResourceWithProperties, toHaveDataSource, ... to expect().
Testing.setupJest();
