import { App } from 'cdktf';
import { existsSync, rmSync } from 'node:fs';
import { appContext, loadProjectConfig } from './config';
import { synthesizeApp } from './stacks/app';

// The config is validated before the App exists and the policies are checked before app.synth(),
// so a bad config or a policy finding exits 1 with nothing written to cdktf.out.
const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
const outdirExisted = existsSync(outdir);
try {
  const config = loadProjectConfig(undefined, appContext());
  synthesizeApp(new App(), config);
} catch (err) {
  // new App() creates the output folder at once: take it away again if this run made it.
  if (!outdirExisted) rmSync(outdir, { recursive: true, force: true });
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
