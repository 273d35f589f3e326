#!/usr/bin/env node
// The `butler` command (npx butler ...): runs the compiled CLI.
require('../dist/src/cli.js')
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
