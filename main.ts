import { App } from 'cdktf';
import { loadProjectConfig } from './config';
import { synthesizeApp } from './stacks/app';

// Validate everything before the App exists, so a bad config writes nothing to cdktf.out.
try {
  const config = loadProjectConfig();
  synthesizeApp(new App(), config);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
