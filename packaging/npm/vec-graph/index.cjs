// Role: the one implementation of the vec-graph package (index.mjs re-exports it): find this
// platform's vec_graph binary in its @vec-graph/<platform> package and load it into a connection.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const targets = require('./targets.cjs');
const { isMusl, libcFacts } = require('./libc.cjs');
const { version } = require('./package.json');

function fail(message, cause) {
  return new Error(`vec-graph: ${message}`, cause ? { cause } : undefined);
}

function getLoadablePath() {
  const key = `${process.platform}-${process.arch}`;
  const target = targets[key];
  if (!target) {
    throw fail(`platform ${key} is not supported. Prebuilt binaries exist for ` +
      `${Object.keys(targets).join(', ')}; elsewhere build the extension from source (make) and ` +
      'pass its path to db.loadExtension().');
  }
  if (process.platform === 'linux' && isMusl(libcFacts())) {
    throw fail(`${key} with the musl C library (Alpine Linux) is not supported: the prebuilt ` +
      'binaries need glibc. Use a glibc-based system (Debian, Ubuntu, a "-slim" image) or build ' +
      'the extension from source (make) and pass its path to db.loadExtension().');
  }
  const pkg = `@vec-graph/${key}`;
  let dir;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch (err) {
    throw fail(`the package ${pkg}, which holds the vec_graph binary for ${target.label}, is not ` +
      'installed. npm installs it as an optional dependency of vec-graph; it is left out when ' +
      'optional dependencies are omitted (--no-optional, --omit=optional, npm_config_omit=optional) ' +
      'or when the lockfile was made on another OS or CPU. Install it with: ' +
      `npm install ${pkg}@${version}`, err);
  }
  const file = path.join(dir, target.file);
  if (!fs.existsSync(file)) {
    throw fail(`${pkg} is installed in ${dir} but holds no ${target.file}; reinstall it with: ` +
      `npm install ${pkg}@${version}`);
  }
  return file;
}

function load(db) {
  if (typeof db?.loadExtension !== 'function') {
    throw new TypeError('vec-graph: load(db) needs a connection with a loadExtension(path) method: ' +
      'node:sqlite DatabaseSync opened with { allowExtension: true }, better-sqlite3 or bun:sqlite');
  }
  const file = getLoadablePath();
  // SQLite opens the name as given, then with the platform suffix appended. Handing it the name
  // without the suffix makes a failed load report this file's own error, not one for vec_graph.so.so.
  db.loadExtension(file.slice(0, -path.extname(file).length));
}

module.exports = { getLoadablePath, load };
