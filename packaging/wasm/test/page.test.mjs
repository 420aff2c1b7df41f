// Role: node:test suite for @vec-graph/wasm in a real browser: headless Chromium opens test/page/ from a
// local server, the page loads the installed package, builds an hnsw_index, runs a KNN query, a BFS and
// node2vec_train (and, in a worker, an index kept in OPFS), and shows the results. The test reads them
// from the page and checks them against answers computed here from the same data: brute-force nearest
// neighbours in double precision, a breadth-first search, the planted communities. Screenshot:
// $VG_RESULTS/wasm-page.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, serve, waitFor } from './browser.mjs';
import { communities, digraph, defaults, vectors } from './page/data.mjs';
import { app, results, version } from './helpers.mjs';

const p = { ...defaults };
const query = new URLSearchParams(Object.entries(p)).toString();

function nearest(items, q, k) {
  const scored = items.map((v, i) => [i + 1, v.reduce((sum, x, j) => sum + (x - q[j]) ** 2, 0)]);
  return scored.sort((a, b) => a[1] - b[1]).slice(0, k);
}

function assertNearest(got, items, q, k, what) {
  const want = nearest(items, q, k);
  assert.deepEqual(got.map((row) => row[0]), want.map((row) => row[0]), `${what}: the k nearest rowids`);
  for (const [i, [, d]] of got.entries()) {
    assert.ok(Math.abs(d - want[i][1]) <= 1e-4 * Math.max(1, want[i][1]), `${what}: distance ${i}: ${d} vs ${want[i][1]}`);
  }
}

// Breadth-first search from start, neighbours in ascending order: [node, depth, parent] in visit order.
function bfs(edges, start) {
  const out = new Map();
  for (const [s, d] of edges) (out.get(s) ?? out.set(s, new Set()).get(s)).add(d);
  const rows = [[start, 0, null]];
  const seen = new Set([start]);
  for (let i = 0; i < rows.length; i++) {
    const [node, depth] = rows[i];
    for (const next of [...(out.get(node) ?? [])].sort((a, b) => a - b)) {
      if (!seen.has(next)) { seen.add(next); rows.push([next, depth + 1, node]); }
    }
  }
  return rows;
}

const cosine = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0) / Math.hypot(...a) / Math.hypot(...b);

describe('@vec-graph/wasm in headless Chromium', () => {
  let server;
  let browser;
  let page;
  before(async () => {
    server = await serve(app);
    browser = await launch();
    await browser.send('Runtime.enable');
    await browser.send('Page.enable');
    await browser.send('Page.navigate', { url: `${server.url}/test/page/index.html?${query}` });
    page = await waitFor(browser, 'window.vgResults', 120);
  });
  after(async () => {
    try {
      if (browser) {
        const shot = await browser.send('Page.captureScreenshot', { format: 'png' }).catch(() => null);
        if (shot) fs.writeFileSync(path.join(results, 'wasm-page.png'), Buffer.from(shot.data, 'base64'));
        const messages = browser.events.filter((e) => ['Runtime.consoleAPICalled', 'Runtime.exceptionThrown'].includes(e.method));
        fs.writeFileSync(path.join(results, 'wasm-page-console.json'), JSON.stringify(messages, null, 2));
      }
    } finally {
      await browser?.close();
      await server?.close();
    }
  });

  it('loads SQLite with vec_graph compiled in, the SIMD128 kernel chosen', () => {
    assert.equal(page.error, undefined, page.error);
    assert.equal(page.sqlite, '3.53.4');
    assert.equal(page.vecGraph, version);
    assert.equal(page.kernel, 'simd128');
  });

  it('answers a KNN query on an hnsw_index with the brute-force nearest neighbours', () => {
    const { items, query: q } = vectors(p.seed, p.n, p.dims);
    assertNearest(page.knn, items, q, p.k, 'page');
  });

  it('walks graph_bfs as a breadth-first search does, neighbours in ascending order', () => {
    assert.deepEqual(page.bfs, bfs(digraph(p.seed, p.graph, p.graph), 1));
  });

  it('embeds every node with node2vec_train, the planted communities apart', () => {
    const edges = communities(p.seed, p.size, 0.5, 2);
    const nodes = [...new Set(edges.flat())].sort((a, b) => a - b);
    assert.equal(page.embedded, nodes.length);
    assert.deepEqual(page.node2vec.map(([node]) => node), nodes);
    for (const [node, vector] of page.node2vec) {
      assert.ok(vector.length === 16 && vector.every(Number.isFinite), `node ${node}: 16 finite values`);
    }
    const side = (node) => (node <= p.size ? 0 : 1);
    let within = 0, across = 0, nWithin = 0, nAcross = 0;
    for (const [a, va] of page.node2vec) {
      for (const [b, vb] of page.node2vec) {
        if (a >= b) continue;
        if (side(a) === side(b)) { within += cosine(va, vb); nWithin++; } else { across += cosine(va, vb); nAcross++; }
      }
    }
    within /= nWithin;
    across /= nAcross;
    assert.ok(within - across > 0.3, `mean cosine similarity within communities ${within.toFixed(3)}, across ${across.toFixed(3)}`);
  });

  it('keeps an hnsw_index in OPFS (opfs-sahpool, in a worker) across close and reopen', () => {
    assert.equal(page.opfs.error, undefined, page.opfs.error);
    assert.equal(page.opfs.vfs, 'opfs-sahpool');
    assert.ok(page.opfs.files.includes('/vec-graph-page.db'), `files in the pool: ${page.opfs.files}`);
    assert.equal(page.opfs.rows, 200);
    const { items, query: q } = vectors(p.seed + 1, 200, p.dims);
    assertNearest(page.opfs.knn, items, q, p.k, 'OPFS');
  });
});
