// Role: the page test's worker: the same package in a worker, with SQLite's OPFS pool VFS
// (opfs-sahpool): an hnsw_index written to a file in the origin-private file system, closed, opened
// again, and queried; the answers go back to the page.
import sqlite3InitModule, { serializeF32 } from '../../node_modules/@vec-graph/wasm/index.mjs';
import { parameters, vectors } from './data.mjs';

const p = parameters(self.location.search);
try {
  const sqlite3 = await sqlite3InitModule();
  const pool = await sqlite3.installOpfsSAHPoolVfs({ clearOnInit: true });
  const { items, query } = vectors(p.seed + 1, 200, p.dims);
  let db = new pool.OpfsSAHPoolDb('/vec-graph-page.db');
  db.exec(`CREATE VIRTUAL TABLE items USING hnsw_index(dimensions=${p.dims}, metric='l2')`);
  db.transaction(() => items.forEach((v, i) => db.exec({
    sql: 'INSERT INTO items(rowid, vector) VALUES (?, ?)', bind: [i + 1, serializeF32(v)] })));
  db.close();
  db = new pool.OpfsSAHPoolDb('/vec-graph-page.db');
  const rows = db.selectValue('SELECT count(*) FROM items');
  const knn = db.selectArrays(`SELECT rowid, distance FROM items WHERE vector MATCH ? AND k = ${p.k} AND ef_search = 200`,
    [serializeF32(query)]);
  db.close();
  self.postMessage({ vfs: pool.vfsName, files: pool.getFileNames(), rows, knn });
} catch (error) {
  self.postMessage({ error: String(error?.stack ?? error) });
}
