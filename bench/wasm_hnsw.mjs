// Role: one engine's side of make bench-wasm's HNSW comparison, under Node 24: builds an hnsw_index of n
// seeded random vectors and times KNN queries on it, printing one JSON line. The same script and SQL run
// on every engine: `native` is node:sqlite (Node's own SQLite) loading build/vec_graph.so, `wasm` is a
// wasm build's sqlite3-node.mjs (SQLite 3.53.4 with vec_graph compiled in). Recall@k against brute force.
// usage: node wasm_hnsw.mjs native EXTENSION | wasm MODULE  [n dims queries]
import { random } from '../packaging/wasm/test/page/data.mjs';

const [engine, target, n = 10000, dims = 128, queries = 300] = process.argv.slice(2).map((a, i) => (i > 1 ? Number(a) : a));
const k = 10;
const next = random(11);
const vector = () => Float32Array.from({ length: dims }, () => next() * 2 - 1);
const items = Array.from({ length: n }, vector);
const qs = Array.from({ length: queries }, vector);
const blob = (v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

// db: { exec(sql), run(sql, params), all(sql, params) -> rows as arrays, info }
async function open() {
  if (engine === 'native') {
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(':memory:', { allowExtension: true });
    db.loadExtension(target);
    const cache = new Map();
    const stmt = (sql) => cache.get(sql) ?? cache.set(sql, db.prepare(sql)).get(sql);
    return {
      exec: (sql) => db.exec(sql),
      run: (sql, params) => stmt(sql).run(...params),
      all: (sql, params) => stmt(sql).all(...params).map((row) => Object.values(row)),
    };
  }
  const { default: init } = await import(new URL(target, `file://${process.cwd()}/`).href);
  const sqlite3 = await init();
  const db = new sqlite3.oo1.DB(':memory:');
  const cache = new Map();
  const cached = (sql) => cache.get(sql) ?? cache.set(sql, db.prepare(sql)).get(sql);
  const stmt = (sql, params) => (params.length ? cached(sql).bind(params) : cached(sql));
  return {
    exec: (sql) => db.exec(sql),
    run: (sql, params) => stmt(sql, params).stepReset(),
    all: (sql, params) => {
      const s = stmt(sql, params);
      const rows = [];
      while (s.step()) rows.push(s.get([]));
      s.reset();
      return rows;
    },
  };
}

const db = await open();
const [[sqlite, kernel]] = db.all('SELECT sqlite_version(), vec_graph_kernel()', []);
db.exec(`CREATE VIRTUAL TABLE items USING hnsw_index(dimensions=${dims}, metric='l2', m=16, ef_construction=100)`);
let t = performance.now();
db.exec('BEGIN');
items.forEach((v, i) => db.run('INSERT INTO items(rowid, vector) VALUES (?, ?)', [i + 1, blob(v)]));
db.exec('COMMIT');
const buildSeconds = (performance.now() - t) / 1000;
const sql = `SELECT rowid FROM items WHERE vector MATCH ? AND k = ${k} AND ef_search = 64`;
for (const q of qs.slice(0, 20)) db.all(sql, [blob(q)]); // warm-up
const times = [];
const found = [];
for (const q of qs) {
  t = performance.now();
  const rows = db.all(sql, [blob(q)]);
  times.push(performance.now() - t);
  found.push(rows.map((r) => Number(r[0])));
}
let hits = 0;
qs.forEach((q, j) => {
  const truth = items.map((v, i) => [i + 1, v.reduce((s, x, d) => s + (x - q[d]) ** 2, 0)])
    .sort((a, b) => a[1] - b[1]).slice(0, k).map((r) => r[0]);
  hits += truth.filter((id) => found[j].includes(id)).length;
});
times.sort((a, b) => a - b);
console.log(JSON.stringify({ engine, kernel, sqlite, n, dims, queries, build_s: buildSeconds,
  query_us_median: times[times.length >> 1] * 1000, query_us_mean: times.reduce((a, b) => a + b) / times.length * 1000,
  recall: hits / (queries * k) }));
