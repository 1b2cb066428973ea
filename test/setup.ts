import { Testing } from 'cdktf';

// Adds toHaveResource, toHaveResourceWithProperties, toHaveDataSource, ... to expect().
Testing.setupJest();
