// Role: node:test suite for vec-graph's error paths: unsupported platform and musl (in child processes
// with a stubbed process), missing platform package (a real --omit=optional install), a platform
// package without its binary, a non-connection, and the musl detection's verdicts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { load } from 'vec-graph';
import { app, copyInstall, host, targets, version, work } from './helpers.mjs';

const libc = path.join(app, 'node_modules/vec-graph/libc.cjs');
const { isMusl, libcFacts } = createRequire(import.meta.url)(libc);

// Runs getLoadablePath() from the installed package in a child Node after `stub`; returns its error message.
function childError(stub, type = 'commonjs') {
  const call = type === 'module'
    ? "const { getLoadablePath } = await import('vec-graph');"
    : "const { getLoadablePath } = require('vec-graph');";
  const script = `${stub}; ${call} try { getLoadablePath(); console.log('no error'); } ` +
    'catch (err) { console.log(err.message); }';
  const args = [`--input-type=${type}`, '-e', script];
  return execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8' }).trim();
}

describe('unsupported platform', () => {
  const supported = targets.join(', ');
  it('names the OS and lists the supported platforms (CJS)', () => {
    const message = childError("Object.defineProperty(process, 'platform', { value: 'freebsd' })");
    assert.equal(message, `vec-graph: platform freebsd-${process.arch} is not supported. Prebuilt ` +
      `binaries exist for ${supported}; elsewhere build the extension from source (make) and pass ` +
      'its path to db.loadExtension().');
  });
  it('names the CPU and lists the supported platforms (ESM)', () => {
    const message = childError("Object.defineProperty(process, 'arch', { value: 'ia32' })", 'module');
    assert.match(message, new RegExp(`^vec-graph: platform ${process.platform}-ia32 is not supported`));
    assert.ok(message.includes(supported));
  });
});

const muslLdd = '#!/bin/sh\nexec /lib/ld-musl-x86_64.so.1 --list "$@"\n';

describe('musl (Alpine Linux)', { skip: process.platform !== 'linux' && 'musl exists only on Linux' }, () => {
  it('is refused plainly, not reported as a missing package', () => {
    const stub = "const fs = require('node:fs'), read = fs.readFileSync; fs.readFileSync = " +
      `(f, ...rest) => f === '/usr/bin/ldd' ? ${JSON.stringify(muslLdd)} : read(f, ...rest)`;
    const message = childError(stub);
    assert.equal(message, `vec-graph: ${host} with the musl C library (Alpine Linux) is not supported: ` +
      'the prebuilt binaries need glibc. Use a glibc-based system (Debian, Ubuntu, a "-slim" image) ' +
      'or build the extension from source (make) and pass its path to db.loadExtension().');
  });
  it('this machine is glibc', () => assert.equal(isMusl(libcFacts()), false));
});

describe('isMusl()', () => {
  const noReport = () => assert.fail('the process report was taken though a cheaper fact decided');
  const none = { lddText: '', alpineRelease: false, getReport: () => undefined };
  const report = (header, sharedObjects = []) => ({ ...none, getReport: () => ({ header, sharedObjects }) });
  const glibcLdd = '# This file is part of the GNU C Library.\n';
  it('musl\'s ldd decides musl', () => {
    assert.equal(isMusl({ ...none, lddText: muslLdd, getReport: noReport }), true);
  });
  it('glibc\'s ldd decides glibc without the process report', () => {
    assert.equal(isMusl({ lddText: glibcLdd, alpineRelease: true, getReport: noReport }), false);
  });
  it('/etc/alpine-release decides musl', () => {
    assert.equal(isMusl({ ...none, alpineRelease: true, getReport: noReport }), true);
  });
  it('a process report with a glibc version is glibc', () => {
    assert.equal(isMusl(report({ glibcVersionRuntime: '2.36' })), false);
  });
  it('a process report listing musl\'s loader or libc is musl', () => {
    for (const file of ['/lib/ld-musl-x86_64.so.1', '/lib/libc.musl-aarch64.so.1']) {
      assert.equal(isMusl(report({}, ['/usr/lib/libstdc++.so.6', file])), true);
    }
  });
  it('no evidence either way is not musl', () => {
    assert.equal(isMusl(none), false);
    assert.equal(isMusl(report({}, ['/lib/x86_64-linux-gnu/libc.so.6'])), false);
  });
});

describe('platform package missing', () => {
  const noopt = path.join(work, 'app-noopt');
  it('npm --omit=optional left it out', () => {
    assert.ok(fs.existsSync(path.join(noopt, 'node_modules/vec-graph/package.json')));
    assert.equal(fs.existsSync(path.join(noopt, 'node_modules/@vec-graph')), false);
  });
  it('says which package to install and why it is missing', () => {
    const { getLoadablePath } = createRequire(path.join(noopt, 'x.js'))('vec-graph');
    assert.throws(getLoadablePath, (err) => {
      assert.ok(err.message.startsWith(`vec-graph: the package @vec-graph/${host}, which holds the vec_graph `));
      assert.match(err.message, /--omit=optional/);
      assert.match(err.message, /lockfile was made on another OS or CPU/);
      assert.ok(err.message.endsWith(`npm install @vec-graph/${host}@${version}`));
      assert.equal(err.cause.code, 'MODULE_NOT_FOUND');
      return true;
    });
  });
});

describe('broken installs and misuse', () => {
  it('a platform package without its binary says to reinstall it', (t) => {
    const dir = copyInstall();
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const copy = createRequire(path.join(dir, 'x.js'))('vec-graph');
    const binary = copy.getLoadablePath();
    fs.rmSync(binary);
    assert.throws(copy.getLoadablePath, {
      message: `vec-graph: @vec-graph/${host} is installed in ${path.dirname(binary)} but holds no ` +
        `${path.basename(binary)}; reinstall it with: npm install @vec-graph/${host}@${version}`,
    });
  });
  it('load() of something that is not a connection is a TypeError', () => {
    const message = /needs a connection with a loadExtension\(path\) method/;
    assert.throws(() => load({}), { name: 'TypeError', message });
    assert.throws(() => load(undefined), TypeError);
  });
});
