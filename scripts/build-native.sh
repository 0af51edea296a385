#!/usr/bin/env bash
# Builds native/ with node-gyp against this Node's own headers (no header download) and libtorch
# (found by native/resolve-libtorch.cjs: $LIBTORCH, else Debian's libtorch-dev). Incremental.
set -euo pipefail
cd "$(dirname "$0")/../native"
node_prefix=$(node -p "require('node:path').resolve(process.execPath, '..', '..')")
nodedir_flag=()
if [ -f "$node_prefix/include/node/node_api.h" ]; then nodedir_flag=(--nodedir="$node_prefix"); fi
gyp=../node_modules/.bin/node-gyp
if [ ! -f build/Makefile ] || [ binding.gyp -nt build/Makefile ]; then
  "$gyp" configure "${nodedir_flag[@]}" --loglevel=error
fi
"$gyp" build -j "$(nproc)" --loglevel=error
