// Runs every compiled test file with Node's own test runner.
// Usage: npm test [-- <substring> ...] to run only the files whose path contains a substring.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = walk('dist/tests')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// A hung wait must fail the run, not stall it. Node 20 applies --test-timeout to each test file as a whole (the file is
// one test of the runner), so the bound is set for the slowest file with room for a loaded machine: flows-e2e took
// about 3 minutes in a full run on two busy cores.
// FAULTS=long runs the 10-minute soak and the 20-kill variant: a file may then take longer.
const timeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? (process.env.FAULTS === 'long' ? 1_200_000 : 600_000));
const args = [
  '--test',
  '--test-reporter=spec',
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
  `--test-timeout=${timeoutMs}`,
  ...files,
];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
process.exit(r.status ?? 1);
