// Role: the Bun smoke test of the installed vec-graph package: load(db) into bun:sqlite from the ESM
// and the CJS entry, vector queries with hand-derived results, and the missing-package error.
// No describe blocks: the JUnit report then holds one flat suite.
import { expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import path from 'node:path';
import * as esm from 'vec-graph';

const cjs = require('vec-graph');
const host = `${process.platform}-${process.arch}`;
const version = process.env.VG_VERSION;
const value = (db, sql) => Object.values(db.query(sql).get())[0];

for (const [name, entry] of [['ESM', esm], ['CJS', cjs]]) {
  const db = new Database(':memory:');
  entry.load(db);
  test(`${name} load(db): squared L2 of [1,2] and [4,6] is 25`, () => {
    expect(value(db, "select vg_distance_l2('[1,2]', '[4,6]')")).toBe(25);
  });
  test(`${name} load(db): vg_dims and the JSON round trip`, () => {
    expect(value(db, "select vg_dims('[1, 2.5, -3]')")).toBe(3);
    expect(value(db, "select vg_to_json(vg_f32('[1, 2.5, -3]'))")).toBe('[1,2.5,-3]');
  });
  test(`${name} load(db): vec_graph_version() is the packaged VERSION`, () => {
    expect(value(db, 'select vec_graph_version()')).toBe(version);
  });
  test(`${name} load(db): hnsw_index finds the nearest of (i, 0) from (2.2, 0): 2, 3, 1`, () => {
    db.exec("create virtual table idx using hnsw_index(dimensions=2)");
    for (let i = 1; i <= 6; i++) db.query('insert into idx(rowid, vector) values (?, ?)').run(i, `[${i}, 0]`);
    const rows = db.query("select rowid from idx where vector match '[2.2, 0]' and k = 3").all();
    expect(rows.map((r) => r.rowid)).toEqual([2, 3, 1]);
  });
  test(`${name} load(db): graph_components splits {1,2,3} and {5,6}`, () => {
    db.exec('create table edges(src integer, dst integer); insert into edges values (1, 2), (2, 3), (5, 6)');
    const rows = db.query("select node, component_id from graph_components('edges', 'src', 'dst')").all();
    expect(rows.map((r) => [r.node, r.component_id])).toEqual([[1, 1], [2, 1], [3, 1], [5, 5], [6, 5]]);
  });
  test(`${name} load(db): a dimension mismatch is an SQL error naming the function`, () => {
    expect(() => db.query("select vg_distance_l2('[1,2]', '[1,2,3]')").get())
      .toThrow('vg_distance_l2: dimension mismatch: 2 vs 3');
  });
}

test('the ESM and the CJS entry export the same functions', () => {
  expect(esm.load).toBe(cjs.load);
});

test('getLoadablePath() has the suffix once', () => {
  expect(path.basename(esm.getLoadablePath())).toMatch(/^vec_graph\.(so|dylib|dll)$/);
});

test('a missing platform package names the package to install', () => {
  const noopt = require(path.join(process.env.VG_NPM_WORK, 'app-noopt/node_modules/vec-graph/index.cjs'));
  expect(() => noopt.getLoadablePath()).toThrow(`npm install @vec-graph/${host}@${version}`);
});
