#!/bin/sh
# The add-on's entry point (the image's CMD). The butler reads /data/options.json itself (src/config/load.ts: the
# Supervisor's options, then BUTLER_* overrides), so this script only starts it. `exec` makes Node the container's
# main process: the Supervisor's SIGTERM reaches the butler directly and it stops its parts in order.
# The Node flags are the ones `npm start` uses (package.json); tests/addon-package.test.ts keeps them equal.
set -eu
APP_DIR="${BUTLER_APP_DIR:-/app}"
exec node --max-semi-space-size=4 "$APP_DIR/dist/src/main.js"
