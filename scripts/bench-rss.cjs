// Preloaded by scripts/bench.mjs: records this process's peak RSS (KiB) when it exits.
const { appendFileSync } = require('node:fs');
const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
