// Role: the package's entry under Node (the "node" export condition): the same API from SQLite's Node
// build of the same sqlite3.wasm.
export { default, default as sqlite3InitModule } from './sqlite3-node.mjs';
export { serializeF32 } from './vectors.mjs';
