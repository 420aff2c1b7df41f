#!/usr/bin/env bash
# Role: install the Debian packages the WebAssembly build and its tests need, only those missing:
# emscripten (3.1.6, with clang-14, lld-14 and binaryen), wabt (wasm-strip, which SQLite's ext/wasm
# build uses), chromium and a font for the page test, node-typescript (tsc checks the package's
# types). Node 24 comes from PyPI (packaging/npm/tools.sh).
set -euo pipefail
exec bash "$(dirname "$0")/../../scripts/apt-install-missing.sh" wasm-deps emscripten wabt chromium fonts-dejavu-core node-typescript
