#!/usr/bin/env node
// Benchmarks of the things users wait for: the app's synth (what cdktf.json runs), `cdktf synth`
// against the CLI's own floor (an empty app), the type check and the jest suite.
// Prints figures; asserts nothing. Usage: npm run bench [-- --runs N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`--runs must be a whole number >= 1 (got ${process.argv[runsArg + 1]})`);
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'docker-hosts-bench-'));
const env = { ...process.env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1', CI: '1' };
const cdktf = join(ROOT, 'node_modules', '.bin', 'cdktf');

function timeOnce(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) {
    console.error(`benchmark command failed: ${cmd} ${args.join(' ')}\n${result.stderr}`);
    process.exit(1);
  }
  return seconds;
}

function series(n, fn) {
  const values = Array.from({ length: n }, fn).sort((a, b) => a - b);
  return {
    median: values[Math.floor((values.length - 1) / 2)],
    min: values[0],
    max: values[values.length - 1],
  };
}

const fmt = (s) => `${s.toFixed(3)} s`;
const rows = [];

// 1. The app's own synth, exactly as cdktf.json runs it, with its peak RSS.
const app = JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8')).app.split(' ');
const rssFile = join(work, 'rss');
const appSynth = series(RUNS, () =>
  timeOnce(
    app[0] === 'node' ? process.execPath : app[0],
    ['--require', join(ROOT, 'scripts/bench-rss.cjs'), ...app.slice(1)],
    {
      env: { ...env, CDKTF_OUTDIR: join(work, 'out'), BENCH_RSS_FILE: rssFile },
    },
  ),
);
// The first synth after an edit rebuilds the bundle: measure that too (cache removed).
const appCmd = app[0] === 'node' ? process.execPath : app[0];
const cold = series(3, () => {
  rmSync(join(ROOT, 'node_modules', '.cache', 'docker-hosts'), { recursive: true, force: true });
  return timeOnce(appCmd, app.slice(1), { env: { ...env, CDKTF_OUTDIR: join(work, 'out') } });
});
const peakRss = Math.max(...readFileSync(rssFile, 'utf8').trim().split('\n').map(Number)) / 1024;
rows.push([
  'app synth (cdktf.json "app")',
  fmt(appSynth.median),
  `${fmt(appSynth.min)} .. ${fmt(appSynth.max)}`,
  'target < 0.5 s',
]);
rows.push([
  'app synth after an edit (bundle rebuilt)',
  fmt(cold.median),
  `${fmt(cold.min)} .. ${fmt(cold.max)}`,
  '',
]);
rows.push(['app synth peak RSS', `${peakRss.toFixed(0)} MB`, '', 'target < 150 MB']);

// 2. `cdktf synth` of this project against the CLI synthesizing an empty app.
const floorDir = join(work, 'floor');
spawnSync('mkdir', ['-p', floorDir]);
writeFileSync(
  join(floorDir, 'cdktf.json'),
  JSON.stringify({ language: 'typescript', app: 'node empty.js' }),
);
writeFileSync(
  join(floorDir, 'empty.js'),
  `const { App } = require(${JSON.stringify(join(ROOT, 'node_modules', 'cdktf'))}); new App().synth();\n`,
);
const cliRuns = Math.max(3, Math.ceil(RUNS / 2));
const floor = series(cliRuns, () => timeOnce(cdktf, ['synth'], { cwd: floorDir }));
const full = series(cliRuns, () => timeOnce(cdktf, ['synth', '--output', join(work, 'cli-out')]));
rows.push([
  'cdktf synth, empty app (CLI floor)',
  fmt(floor.median),
  `${fmt(floor.min)} .. ${fmt(floor.max)}`,
  '',
]);
rows.push([
  'cdktf synth, this project',
  fmt(full.median),
  `${fmt(full.min)} .. ${fmt(full.max)}`,
  `${(full.median / floor.median).toFixed(2)}x floor, target <= 1.2x`,
]);

// 3. Type check, cold (no incremental info) and warm.
const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
rmSync(join(ROOT, 'node_modules', '.cache', 'tsc'), { recursive: true, force: true });
rows.push(['tsc --noEmit, cold', fmt(timeOnce(tsc, ['--noEmit'])), '', '']);
rows.push(['tsc --noEmit, warm', fmt(timeOnce(tsc, ['--noEmit'])), '', '']);

// 4. The jest suite, cold (no transform cache) and warm.
const jest = join(ROOT, 'node_modules', '.bin', 'jest');
rows.push([
  'jest suite, cold',
  fmt(timeOnce(jest, ['--no-cache', '--silent'])),
  '',
  'target < 10 s',
]);
rows.push(['jest suite, warm', fmt(timeOnce(jest, ['--silent'])), '', '']);

rmSync(work, { recursive: true, force: true });
const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
console.log(
  `docker-hosts benchmark: ${RUNS} runs of the app synth, ${cliRuns} of each cdktf synth; node ${process.version}`,
);
for (const r of rows)
  console.log(
    `${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`,
  );
