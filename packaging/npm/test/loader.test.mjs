// Role: node:test suite for the installed vec-graph package under Node 24's node:sqlite: load(db)
// from the ESM and the CJS entry, vector, hnsw_index and graph queries with hand-derived results,
// and the path it loads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { DatabaseSync } from 'node:sqlite';
import * as esm from 'vec-graph';
import { app, copyInstall, host, version } from './helpers.mjs';

const cjs = createRequire(import.meta.url)('vec-graph');

function open(entry) {
  const db = new DatabaseSync(':memory:', { allowExtension: true });
  entry.load(db);
  return db;
}
const value = (db, sql) => Object.values(db.prepare(sql).get())[0];

describe('the two entries', () => {
  it('the ESM and the CJS entry export the same functions', () => {
    assert.equal(esm.load, cjs.load);
    assert.equal(esm.getLoadablePath, cjs.getLoadablePath);
  });
});

for (const [name, entry] of [['ESM', esm], ['CJS', cjs]]) {
  describe(`load(db) from the ${name} entry`, () => {
    const db = open(entry);
    it('squared L2 of [1,2] and [4,6] is 3²+4² = 25', () => {
      assert.equal(value(db, "select vg_distance_l2('[1,2]', '[4,6]')"), 25);
    });
    it('inner product distance of [1,2] and [4,6] is -(4+12) = -16', () => {
      assert.equal(value(db, "select vg_distance_ip('[1,2]', '[4,6]')"), -16);
    });
    it('cosine distance of orthogonal vectors is 1', () => {
      assert.equal(value(db, "select vg_distance_cosine('[1,0]', '[0,1]')"), 1);
    });
    it('vg_dims counts 3 elements', () => {
      assert.equal(value(db, "select vg_dims('[1, 2.5, -3]')"), 3);
    });
    it('vg_f32 gives little-endian float32 and vg_to_json reads it back', () => {
      assert.equal(value(db, "select hex(vg_f32('[1, 2.5, -3]'))"), '0000803F00002040000040C0');
      assert.equal(value(db, "select vg_to_json(vg_f32('[1, 2.5, -3]'))"), '[1,2.5,-3]');
    });
    it('vec_graph_version() is the packaged VERSION', () => {
      assert.equal(value(db, 'select vec_graph_version()'), version);
    });
    it('ranks a table by distance (brute-force nearest neighbours)', () => {
      db.exec("create table docs(id integer primary key, v text);" +
        "insert into docs values (1, '[0,0]'), (2, '[3,4]'), (3, '[1,1]')");
      const rows = db.prepare("select id, vg_distance_l2(v, '[2,2]') as d from docs order by d").all();
      assert.deepEqual(rows.map((r) => [r.id, r.d]), [[3, 2], [2, 5], [1, 8]]);
    });
    it('a dimension mismatch is an SQL error naming the function', () => {
      assert.throws(() => db.prepare("select vg_distance_l2('[1,2]', '[1,2,3]')").get(),
        { message: /vg_distance_l2: dimension mismatch: 2 vs 3/ });
    });
    it('hnsw_index: from (2.2, 0) the nearest of (i, 0), i = 1..6, are 2, 3, 1', () => {
      db.exec("create virtual table idx using hnsw_index(dimensions=2, metric='l2')");
      for (let i = 1; i <= 6; i++) db.prepare('insert into idx(rowid, vector) values (?, ?)').run(i, `[${i}, 0]`);
      const rows = db.prepare("select rowid, distance from idx where vector match '[2.2, 0]' and k = 3").all();
      assert.deepEqual(rows.map((r) => r.rowid), [2, 3, 1]);
      assert.deepEqual(rows.map((r) => Math.round(r.distance * 1e4) / 1e4), [0.04, 0.64, 1.44]);
    });
    it('graph_bfs: from 1 depth 1 reaches 2 and 4, depth 2 reaches 3', () => {
      db.exec('create table edges(src integer, dst integer);' +
        'insert into edges values (1, 2), (2, 3), (1, 4), (5, 6)');
      const rows = db.prepare("select node, depth, parent from graph_bfs('edges', 'src', 'dst', 1)").all();
      assert.deepEqual(rows.map((r) => [r.node, r.depth, r.parent]), [[1, 0, null], [2, 1, 1], [4, 1, 1], [3, 2, 2]]);
    });
  });
}

describe('getLoadablePath()', () => {
  const file = esm.getLoadablePath();
  it('is the binary inside the installed platform package, suffix once', () => {
    assert.ok(path.isAbsolute(file));
    assert.ok(fs.statSync(file).isFile());
    assert.equal(path.dirname(file), fs.realpathSync(path.join(app, 'node_modules', '@vec-graph', host)));
    assert.match(path.basename(file), /^vec_graph\.(so|dylib|dll)$/);
  });
  it('loads when handed to loadExtension() as it is', () => {
    const db = new DatabaseSync(':memory:', { allowExtension: true });
    db.loadExtension(file);
    assert.equal(value(db, "select vg_dims('[1,2]')"), 2);
  });
  it('load() hands SQLite the path without the suffix, which SQLite appends', () => {
    const seen = [];
    esm.load({ loadExtension: (p) => seen.push(p) });
    assert.deepEqual(seen, [file.slice(0, -path.extname(file).length)]);
  });
  // Handed the full path, SQLite would retry with the suffix doubled and report that file's error.
  it('a binary that fails to load is named in the error, suffix once', (t) => {
    const dir = copyInstall();
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const copy = createRequire(path.join(dir, 'x.js'))('vec-graph');
    fs.writeFileSync(copy.getLoadablePath(), 'not a shared library');
    const db = new DatabaseSync(':memory:', { allowExtension: true });
    assert.throws(() => copy.load(db), (err) => {
      assert.ok(err.message.startsWith(`${copy.getLoadablePath()}: `), err.message);
      assert.doesNotMatch(err.message, /\.(so|dylib|dll)\.(so|dylib|dll)/);
      return true;
    });
  });
});
