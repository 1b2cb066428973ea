#!/usr/bin/env bash
# The suite never reads the operator's config: proved by running it once more on a copy of the repository whose
# config/environments.ts gains a `qa` environment copied from `stage` (another zone), left uncommitted, as an
# operator following the README would have it. Run by .ci/run after `npm test`; exits with the first failing tier's status.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/docker-hosts-extra-env-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
copy="$tmp/repo"

# The committed tree as a git repository of its own (the review tests use git), then the working tree's
# files over it (CI runs on a clean clone: they are the same), node_modules linked.
git clone --quiet --shared "$root" "$copy"
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
  tar -cf - --ignore-failed-read --no-recursion --null -T -) | tar -xf - -C "$copy"
ln -sn "$root/node_modules" "$copy/node_modules"

# A qa record copied from stage's, in a zone of its own (two environments of one project need different zones).
node - "$copy/config/environments.ts" <<'JS'
const fs = require('node:fs');
const file = process.argv[2];
const lines = fs.readFileSync(file, 'utf8').split('\n');
const name = lines.findIndex((l) => /^\s*name: 'stage',$/.test(l));
if (name < 0) throw new Error(`${file}: no record named 'stage'`);
const indent = lines[name - 1].match(/^\s*/)[0];
let start = name - 1;
let end = lines.findIndex((l, i) => i > name && l === `${indent}},`);
if (lines[start].trim() !== '{' || end < 0) throw new Error(`${file}: the stage record is not laid out as shipped`);
const qa = lines
  .slice(start, end + 1)
  .map((l) => l.replace(/name: 'stage'/, "name: 'qa'").replace(/zone: '([a-z]+-[a-z]+[0-9]+)-[a-z]'/, "zone: '$1-c'"));
lines.splice(end + 1, 0, ...qa);
fs.writeFileSync(file, lines.join('\n'));
JS
grep -q "name: 'qa'" "$copy/config/environments.ts"

cd "$copy"
echo "extra-env-check: config/environments.ts with a qa environment, in $copy"
# Both tiers: the unit and contract tests, then the process-level ones (review's HEAD-vs-tree test is one).
npx jest --ci
npx jest --ci -c jest.e2e.config.js
