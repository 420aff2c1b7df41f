// Role: node:test suite for the @vec-graph/wasm tarball and its Node entry, as installed from the
// tarball: the file list and package.json (stamped from VERSION, ESM with types), the API under Node
// (vec_graph in every connection, the SIMD128 kernel, errors that name the function), serializeF32,
// the declarations (tsc compiles a program against them; every method they declare exists).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sqlite3InitModule, { serializeF32, sqlite3InitModule as named } from '@vec-graph/wasm';
import { app, version, work } from './helpers.mjs';

const tarball = path.join(work, 'tarballs', `vec-graph-wasm-${version}.tgz`);
const installed = path.join(app, 'node_modules', '@vec-graph', 'wasm');
const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
const sqlite3 = await sqlite3InitModule();

describe('@vec-graph/wasm tarball', () => {
  it('holds the entries, the types, the build and nothing else', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    assert.deepEqual(files, ['LICENSE', 'README.md', 'build-info.json', 'index.d.ts', 'index.mjs', 'node.mjs',
      'package.json', 'sqlite3-node.mjs', 'sqlite3-opfs-async-proxy.js', 'sqlite3-worker1-promiser.mjs',
      'sqlite3-worker1.mjs', 'sqlite3.mjs', 'sqlite3.wasm', 'vectors.mjs'].map((f) => `package/${f}`));
  });
  it('is stamped with VERSION, an ES module package with types, node and browser entries', () => {
    assert.equal(manifest.name, '@vec-graph/wasm');
    assert.equal(manifest.version, version);
    assert.equal(manifest.type, 'module');
    assert.deepEqual(manifest.exports['.'], { types: './index.d.ts', node: './node.mjs', default: './index.mjs' });
    assert.equal(manifest.dependencies, undefined);
    for (const key of ['license', 'repository', 'homepage', 'bugs', 'engines', 'publishConfig']) assert.ok(manifest[key], key);
    const info = JSON.parse(fs.readFileSync(path.join(installed, 'build-info.json'), 'utf8'));
    assert.equal(info.vec_graph, version);
    assert.equal(info.kernel, 'simd128');
  });
  it('ships one WebAssembly module: the C API exported, memory imported', () => {
    const bytes = fs.readFileSync(path.join(installed, 'sqlite3.wasm'));
    assert.ok(WebAssembly.validate(bytes));
    const module = new WebAssembly.Module(bytes);
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    assert.ok(exports.includes('sqlite3_open_v2') && exports.includes('sqlite3_prepare_v3'));
    assert.deepEqual(WebAssembly.Module.imports(module).filter((i) => i.kind === 'memory').map((i) => i.name), ['memory']);
  });
});

describe('@vec-graph/wasm under Node', () => {
  it('exports sqlite3InitModule as default and by name', () => {
    assert.equal(named, sqlite3InitModule);
  });
  it('gives every connection vec_graph: version, kernel, SQLite', () => {
    const db = new sqlite3.oo1.DB(':memory:');
    assert.deepEqual(db.selectArray('SELECT vec_graph_version(), vec_graph_kernel(), sqlite_version()'),
      [version, 'simd128', '3.53.4']);
    assert.equal(sqlite3.version.libVersion, '3.53.4');
    db.close();
  });
  it('reads serializeF32 BLOBs as vectors, byte for byte', () => {
    const db = new sqlite3.oo1.DB(':memory:');
    const blob = serializeF32([1, 2.5, -3]);
    assert.deepEqual([...blob], [0, 0, 0x80, 0x3f, 0, 0, 0x20, 0x40, 0, 0, 0x40, 0xc0]);
    assert.equal(db.selectValue('SELECT vg_to_json(?)', [blob]), '[1,2.5,-3]');
    assert.equal(db.selectValue("SELECT vg_distance_l2(?, '[4,6]')", [serializeF32(new Float32Array([1, 2]))]), 25);
    db.close();
  });
  it('refuses what is not a finite vector, naming the element', () => {
    assert.throws(() => serializeF32([1, NaN]), /element 1 is NaN/);
    assert.throws(() => serializeF32(7), /expected an array/);
  });
  it('reports bad SQL input as a SQLite3Error naming the vec_graph function', () => {
    const db = new sqlite3.oo1.DB(':memory:');
    assert.throws(() => db.selectValue("SELECT vg_distance_l2('[1,2]', '[1,2,3]')"),
      (error) => error instanceof sqlite3.SQLite3Error && /vg_distance_l2: dimension mismatch: 2 vs 3/.test(error.message));
    db.close();
  });
  it('exports a database with an hnsw_index and opens the bytes again', () => {
    const db = new sqlite3.oo1.DB(':memory:');
    db.exec("CREATE VIRTUAL TABLE v USING hnsw_index(dimensions=2, metric='l2'); " +
      "INSERT INTO v(rowid, vector) VALUES (1, '[0,0]'), (2, '[3,4]')");
    const bytes = sqlite3.capi.sqlite3_js_db_export(db);
    db.close();
    const copy = new sqlite3.oo1.DB(':memory:');
    const p = sqlite3.wasm.allocFromTypedArray(bytes);
    const rc = sqlite3.capi.sqlite3_deserialize(copy, 'main', p, bytes.length, bytes.length,
      sqlite3.capi.SQLITE_DESERIALIZE_FREEONCLOSE | sqlite3.capi.SQLITE_DESERIALIZE_RESIZEABLE);
    assert.equal(rc, 0);
    assert.deepEqual(copy.selectArrays("SELECT rowid, distance FROM v WHERE vector MATCH '[3,3]' AND k = 1"), [[2, 1]]);
    copy.close();
  });
});

describe('@vec-graph/wasm types', () => {
  const dts = fs.readFileSync(path.join(installed, 'index.d.ts'), 'utf8');
  const methods = (name) => [...dts.slice(dts.indexOf(`export interface ${name} {`)).split('\n}')[0]
    .matchAll(/^ {2}(\w+)(?:<[^>]*>)?\(/gm)].map((m) => m[1]);
  it('declares only methods the objects have', () => {
    const db = new sqlite3.oo1.DB(':memory:');
    const stmt = db.prepare('SELECT 1');
    for (const [name, object] of [['Database', db], ['PreparedStatement', stmt]]) {
      const declared = [...new Set(methods(name))];
      assert.ok(declared.length > 10, `${name}: found the declarations`);
      for (const method of declared) assert.equal(typeof object[method], 'function', `${name}.${method}`);
    }
    stmt.finalize();
    db.close();
    assert.equal(sqlite3.installOpfsSAHPoolVfs, undefined, 'declared optional: the Node build has no OPFS');
  });
  it('compile a program that uses them (tsc, strict, node16 resolution)', () => {
    const dir = fs.mkdtempSync(path.join(app, 'tsc-'));
    fs.writeFileSync(path.join(dir, 'use.mts'), `
      import sqlite3InitModule, { serializeF32, type Database, type SqlValue } from '@vec-graph/wasm';
      const sqlite3 = await sqlite3InitModule({ printErr: (s: string) => console.error(s) });
      const db: Database = new sqlite3.oo1.DB(':memory:', 'c');
      const rows: SqlValue[][] = db.selectArrays('SELECT rowid, distance FROM t WHERE vector MATCH ? AND k = 3', [serializeF32([1, 2])]);
      const n: number = sqlite3.version.libVersionNumber;
      const pool = await sqlite3.installOpfsSAHPoolVfs?.({ clearOnInit: true });
      if (pool) new pool.OpfsSAHPoolDb('/x.db').close();
      db.exec({ sql: 'SELECT 1', rowMode: 'array', callback: (row) => { console.log(row, rows, n); } });
      // @ts-expect-error a vector is numbers
      serializeF32('1,2');
      db.close();
    `);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: {
      strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['es2022', 'dom'],
      types: [] }, files: ['use.mts'] }));
    try {
      execFileSync('tsc', ['-p', dir], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      assert.fail(`tsc: ${error.stdout}${error.stderr}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
