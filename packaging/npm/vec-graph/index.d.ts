// Role: the types of vec-graph's two functions (generate.mjs also ships this file as index.d.mts,
// the types of the ESM entry).

/** Any SQLite connection that can load an extension: node:sqlite's DatabaseSync opened with
 * `{ allowExtension: true }`, better-sqlite3's Database, bun:sqlite's Database. */
export interface ExtensionLoader {
  loadExtension(path: string): unknown;
}

/** Absolute path of the vec_graph binary for this platform (with its .so/.dylib/.dll suffix), from
 * the installed @vec-graph/<platform> package. Throws an Error that says what to do when the
 * platform is unsupported (musl included) or its package is not installed. */
export declare function getLoadablePath(): string;

/** Loads vec_graph into `db` through `db.loadExtension()`. */
export declare function load(db: ExtensionLoader): void;
