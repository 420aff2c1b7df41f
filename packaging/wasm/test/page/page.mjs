// Role: what the test page runs: SQLite + vec_graph from the installed package, on data made from the
// URL's seed (data.mjs). It shows the results in tables and leaves them in window.vgResults for the
// test to read; the persistent part runs in a worker (opfs-worker.mjs), where OPFS is.
import sqlite3InitModule, { serializeF32 } from '../../node_modules/@vec-graph/wasm/index.mjs';
import { communities, digraph, parameters, vectors } from './data.mjs';

const p = parameters(location.search);
const status = document.getElementById('status');

function table(id, header, rows) {
  const el = document.getElementById(id);
  el.innerHTML = '';
  for (const [i, row] of [header, ...rows].entries()) {
    const tr = el.insertRow();
    for (const cell of row) {
      const td = document.createElement(i ? 'td' : 'th');
      td.textContent = typeof cell === 'number' && !Number.isInteger(cell) ? cell.toFixed(5) : String(cell ?? '');
      tr.appendChild(td);
    }
  }
}

function runOpfsWorker() {
  return new Promise((resolve) => {
    const worker = new Worker(new URL(`./opfs-worker.mjs${location.search}`, import.meta.url), { type: 'module' });
    const timer = setTimeout(() => resolve({ error: 'the OPFS worker did not answer in 30 s' }), 30000);
    worker.onmessage = (event) => { clearTimeout(timer); resolve(event.data); worker.terminate(); };
    worker.onerror = (event) => { clearTimeout(timer); resolve({ error: `worker: ${event.message}` }); };
  });
}

async function main() {
  const started = performance.now();
  const sqlite3 = await sqlite3InitModule();
  const db = new sqlite3.oo1.DB(':memory:');
  const info = db.selectObject('SELECT sqlite_version() AS sqlite, vec_graph_version() AS vecGraph, vec_graph_kernel() AS kernel');

  const { items, query } = vectors(p.seed, p.n, p.dims);
  db.exec(`CREATE VIRTUAL TABLE items USING hnsw_index(dimensions=${p.dims}, metric='l2', m=16, ef_construction=200)`);
  const insert = db.prepare('INSERT INTO items(rowid, vector) VALUES (?, ?)');
  db.transaction(() => items.forEach((v, i) => insert.bind([i + 1, serializeF32(v)]).stepReset()));
  insert.finalize();
  const knn = db.selectArrays(`SELECT rowid, distance FROM items WHERE vector MATCH ? AND k = ${p.k} AND ef_search = ${p.n}`,
    [serializeF32(query)]);
  table('knn', ['rowid', 'distance'], knn);

  db.exec('CREATE TABLE edges(src INTEGER, dst INTEGER); CREATE INDEX edges_src ON edges(src)');
  const edge = db.prepare('INSERT INTO edges VALUES (?, ?)');
  db.transaction(() => digraph(p.seed, p.graph, p.graph).forEach((e) => edge.bind(e).stepReset()));
  edge.finalize();
  const bfs = db.selectArrays("SELECT node, depth, parent FROM graph_bfs('edges', 'src', 'dst', 1)");
  table('bfs', ['node', 'depth', 'parent'], bfs.slice(0, 16).concat(bfs.length > 16 ? [[`… ${bfs.length} rows`, '', '']] : []));

  db.exec('CREATE TABLE social(a INTEGER, b INTEGER)');
  const link = db.prepare('INSERT INTO social VALUES (?, ?)');
  db.transaction(() => communities(p.seed, p.size, 0.5, 2).forEach((e) => link.bind(e).stepReset()));
  link.finalize();
  db.exec("CREATE VIRTUAL TABLE embeddings USING hnsw_index(dimensions=16, metric='cosine')");
  const embedded = db.selectValue("SELECT node2vec_train('social', 'a', 'b', 'embeddings', 16, 1, 1, 10, 20, 5, 5, 0.025, 1, 42)");
  const node2vec = db.selectArrays('SELECT rowid, vg_to_json(vector) FROM embeddings ORDER BY rowid')
    .map(([node, json]) => [node, JSON.parse(json)]);
  const neighbours = db.selectArrays(
    'SELECT rowid, distance FROM embeddings WHERE vector MATCH (SELECT vector FROM embeddings WHERE rowid = 1) AND k = 6');
  table('node2vec', ['nodes embedded', 'nearest to node 1', 'cosine distance'],
    neighbours.map(([node, d], i) => [i ? '' : embedded, node, d]));
  db.close();

  const opfs = await runOpfsWorker();
  table('opfs', ['', ''], opfs.error ? [['error', opfs.error]]
    : [['vfs', opfs.vfs], ['file', opfs.files.join(', ')], ['rows after reopen', opfs.rows],
       ['nearest rowids', opfs.knn.map((r) => r[0]).join(' ')]]);
  const seconds = (performance.now() - started) / 1000;
  status.textContent = `SQLite ${info.sqlite}, vec_graph ${info.vecGraph}, kernel ${info.kernel}: ` +
    `${p.n} vectors of ${p.dims} dimensions, ${bfs.length} nodes reached, ${embedded} nodes embedded, ` +
    `in ${seconds.toFixed(2)} s`;
  return { ...info, knn, bfs, embedded, node2vec, opfs, seconds };
}

main().then((results) => { window.vgResults = results; }, (error) => {
  status.className = 'error';
  status.textContent = String(error?.stack ?? error);
  window.vgResults = { error: String(error?.stack ?? error) };
});
