// Role: write the @vec-graph/wasm npm package of one release into OUTDIR: package.json stamped from the
// top-level VERSION (common fields from packaging/npm/metadata.json), the entries, types and README
// from package/, and the WebAssembly build from DISTDIR (build.sh's output, whose build-info.json must
// name the same vec_graph version and the simd128 kernel).
// usage: node generate.mjs OUTDIR DISTDIR
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [outdir, distdir] = process.argv.slice(2).map((arg) => arg && path.resolve(arg));
if (!outdir || !distdir) {
  console.error('usage: node generate.mjs OUTDIR DISTDIR');
  process.exit(2);
}
const version = fs.readFileSync(path.join(here, '../../VERSION'), 'utf8').trim();
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  throw new Error(`VERSION holds '${version}', not a semantic version`);
}
const info = JSON.parse(fs.readFileSync(path.join(distdir, 'build-info.json'), 'utf8'));
if (info.vec_graph !== version || info.kernel !== 'simd128') {
  throw new Error(`${distdir} holds vec_graph ${info.vec_graph} (${info.kernel}); the package needs ${version} (simd128)`);
}
const { description: _, keywords: __, repository, ...common } = JSON.parse(
  fs.readFileSync(path.join(here, '../npm/metadata.json'), 'utf8'));

const entries = ['index.mjs', 'node.mjs', 'vectors.mjs', 'index.d.ts', 'README.md'];
const built = ['sqlite3.mjs', 'sqlite3-node.mjs', 'sqlite3.wasm', 'sqlite3-opfs-async-proxy.js',
  'sqlite3-worker1.mjs', 'sqlite3-worker1-promiser.mjs', 'build-info.json'];
fs.rmSync(outdir, { recursive: true, force: true });
fs.mkdirSync(outdir, { recursive: true });
for (const name of entries) fs.copyFileSync(path.join(here, 'package', name), path.join(outdir, name));
for (const name of built) fs.copyFileSync(path.join(distdir, name), path.join(outdir, name));
fs.copyFileSync(path.join(here, '../../LICENSE'), path.join(outdir, 'LICENSE'));
const manifest = {
  name: '@vec-graph/wasm',
  version,
  description: `SQLite ${info.sqlite} compiled to WebAssembly with vec_graph built in (HNSW vector search, ` +
    'graph functions, node2vec, SIMD128 distance kernels): SQLite\'s own JS API for browsers, workers and Node',
  keywords: ['sqlite', 'wasm', 'webassembly', 'vector', 'vector-search', 'hnsw', 'graph', 'opfs'],
  ...common,
  repository: { ...repository, directory: 'packaging/wasm' },
  type: 'module',
  main: './node.mjs',
  module: './index.mjs',
  types: './index.d.ts',
  exports: {
    '.': { types: './index.d.ts', node: './node.mjs', default: './index.mjs' },
    './sqlite3.wasm': './sqlite3.wasm',
    './sqlite3-worker1.mjs': './sqlite3-worker1.mjs',
    './sqlite3-worker1-promiser.mjs': './sqlite3-worker1-promiser.mjs',
    './sqlite3-opfs-async-proxy.js': './sqlite3-opfs-async-proxy.js',
    './package.json': './package.json',
  },
  files: [...entries.filter((name) => name !== 'README.md'), ...built, 'LICENSE'],
  sideEffects: false,
};
fs.writeFileSync(path.join(outdir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${manifest.name}@${version} -> ${path.relative(process.cwd(), outdir) || '.'}`);
