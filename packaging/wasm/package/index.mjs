// Role: the package's entry for browsers, workers and bundlers: SQLite's own JS API (sqlite3InitModule,
// oo1, the C API, OPFS where the browser has it) from SQLite's ES module build, with vec_graph compiled in.
export { default, default as sqlite3InitModule } from './sqlite3.mjs';
export { serializeF32 } from './vectors.mjs';
