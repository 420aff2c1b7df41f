// Role: the page test's data, made from a seed, so that the page (which loads it from the server) and
// the test (which computes the expected answers from it, by brute force) see the same vectors and edges.

// mulberry32: a small seeded PRNG, uniform in [0, 1).
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// n vectors of dims float32 values in [-1, 1), and a query vector.
export function vectors(seed, n, dims) {
  const next = random(seed);
  const make = () => Array.from({ length: dims }, () => Math.fround(next() * 2 - 1));
  return { items: Array.from({ length: n }, make), query: make() };
}

// A directed graph on nodes 1..n: a chain 1 -> 2 -> ... -> n/2 and random edges among all nodes.
export function digraph(seed, n, extra) {
  const next = random(seed);
  const edges = [];
  for (let v = 1; v < n / 2; v++) edges.push([v, v + 1]);
  for (let i = 0; i < extra; i++) edges.push([1 + Math.floor(next() * n), 1 + Math.floor(next() * n)]);
  return edges;
}

// Two planted communities of size nodes each (1..size and size+1..2*size): each pair inside one is an
// edge with probability pIn; bridges edges join the two.
export function communities(seed, size, pIn, bridges) {
  const next = random(seed);
  const edges = [];
  for (const base of [0, size]) {
    for (let a = 1; a <= size; a++) {
      for (let b = a + 1; b <= size; b++) if (next() < pIn) edges.push([base + a, base + b]);
    }
  }
  for (let i = 0; i < bridges; i++) edges.push([1 + Math.floor(next() * size), size + 1 + Math.floor(next() * size)]);
  return edges;
}

// What the page builds and the test checks, from the page's URL parameters.
export const defaults = { seed: 7, n: 400, dims: 24, k: 10, graph: 60, size: 16 };
export function parameters(search) {
  const params = new URLSearchParams(search);
  return Object.fromEntries(Object.entries(defaults).map(([key, value]) => [key, Number(params.get(key) ?? value)]));
}
