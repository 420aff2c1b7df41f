// Role: node:test suite for the packed tarballs themselves: names, versions, os/cpu/libc, file lists,
// the right binary format in each platform package, and npm installing only this machine's one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { app, host, targets, version, work } from './helpers.mjs';

const tarball = (name) => path.join(work, 'tarballs', `${name}-${version}.tgz`);
const list = (tgz) => execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).trim().split('\n').sort();
const read = (tgz, file) => execFileSync('tar', ['-xzOf', tgz, `package/${file}`], { maxBuffer: 1 << 26 });

// [os, cpu] of a binary from its header: ELF e_machine, Mach-O cputype, PE machine.
function binaryPlatform(bytes) {
  if (bytes.readUInt32BE(0) === 0x7f454c46) {
    return ['linux', { 0x3e: 'x64', 0xb7: 'arm64' }[bytes.readUInt16LE(18)]];
  }
  if (bytes.readUInt32LE(0) === 0xfeedfacf) {
    return ['darwin', { 0x01000007: 'x64', 0x0100000c: 'arm64' }[bytes.readUInt32LE(4)]];
  }
  if (bytes.toString('latin1', 0, 2) === 'MZ') {
    return ['win32', { 0x8664: 'x64' }[bytes.readUInt16LE(bytes.readUInt32LE(0x3c) + 4)]];
  }
  return ['unknown', 'unknown'];
}

describe('vec-graph tarball', () => {
  const tgz = tarball('vec-graph');
  const manifest = JSON.parse(read(tgz, 'package.json'));
  it('holds the loader, its types and nothing else', () => {
    assert.deepEqual(list(tgz), ['README.md', 'index.cjs', 'index.d.mts', 'index.d.ts', 'index.mjs',
      'libc.cjs', 'package.json', 'targets.cjs'].map((f) => `package/${f}`));
  });
  it('is stamped with VERSION and depends on all five platform packages at exactly that version', () => {
    assert.equal(manifest.name, 'vec-graph');
    assert.equal(manifest.version, version);
    assert.deepEqual(manifest.optionalDependencies,
      Object.fromEntries(targets.map((t) => [`@vec-graph/${t}`, version])));
    assert.equal(manifest.dependencies, undefined);
  });
  it('maps import and require to the ESM and CJS entries, each with types', () => {
    assert.deepEqual(manifest.exports['.'], {
      import: { types: './index.d.mts', default: './index.mjs' },
      require: { types: './index.d.ts', default: './index.cjs' },
    });
  });
  it('carries provenance-ready metadata', () => {
    for (const key of ['license', 'repository', 'homepage', 'bugs', 'engines', 'files']) {
      assert.ok(manifest[key], key);
    }
    assert.equal(manifest.publishConfig.provenance, true);
  });
});

for (const target of targets) {
  describe(`@vec-graph/${target} tarball`, () => {
    const tgz = tarball(`vec-graph-${target}`);
    const manifest = JSON.parse(read(tgz, 'package.json'));
    const [os, cpu] = target.split('-');
    const file = { linux: 'vec_graph.so', darwin: 'vec_graph.dylib', win32: 'vec_graph.dll' }[os];
    it('is stamped with VERSION and limited to its os, cpu and libc', () => {
      assert.equal(manifest.name, `@vec-graph/${target}`);
      assert.equal(manifest.version, version);
      assert.deepEqual(manifest.os, [os]);
      assert.deepEqual(manifest.cpu, [cpu]);
      assert.deepEqual(manifest.libc, os === 'linux' ? ['glibc'] : undefined);
      assert.ok(manifest.repository && manifest.license);
    });
    it(`holds one binary, ${file}, built for ${target}`, () => {
      assert.deepEqual(list(tgz), [`package/README.md`, `package/package.json`, `package/${file}`]);
      assert.deepEqual(binaryPlatform(read(tgz, file)), [os, cpu]);
    });
  });
}

describe('npm install vec-graph', () => {
  it('installed only this machine\'s platform package, chosen by os/cpu/libc', () => {
    assert.deepEqual(fs.readdirSync(path.join(app, 'node_modules/@vec-graph')), [host]);
  });
});
