// Role: the one table of release targets. Each key is `${process.platform}-${process.arch}`, names the
// platform package @vec-graph/<key>, and gives its npm os/cpu/libc fields and the binary it ships.
'use strict';

module.exports = Object.freeze({
  'linux-x64': { os: 'linux', cpu: 'x64', libc: 'glibc', file: 'vec_graph.so', label: 'Linux x64 (glibc)' },
  'linux-arm64': {
    os: 'linux', cpu: 'arm64', libc: 'glibc', file: 'vec_graph.so', label: 'Linux arm64 (glibc)',
  },
  'darwin-x64': { os: 'darwin', cpu: 'x64', file: 'vec_graph.dylib', label: 'macOS x64' },
  'darwin-arm64': { os: 'darwin', cpu: 'arm64', file: 'vec_graph.dylib', label: 'macOS arm64' },
  'win32-x64': { os: 'win32', cpu: 'x64', file: 'vec_graph.dll', label: 'Windows x64' },
});
