#!/usr/bin/env bash
# Role: the emcc that SQLite's ext/wasm build calls (its config.make's bin.emcc): Debian's Emscripten
# 3.1.6, with the one setting renamed since then spelled the old way (-sSTACK_SIZE became the name of
# -sTOTAL_STACK in Emscripten 3.1.25; same meaning). Emscripten's Python is Debian's, and its JS
# passes find Debian's acorn (node-acorn) whichever node is first on PATH.
set -euo pipefail
export EMSDK_PYTHON=${EMSDK_PYTHON:-/usr/bin/python3}
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
args=()
for arg in "$@"; do
  case $arg in
    -sSTACK_SIZE=*) args+=("-sTOTAL_STACK=${arg#-sSTACK_SIZE=}") ;;
    *) args+=("$arg") ;;
  esac
done
exec /usr/bin/emcc "${args[@]}"
