// Types for @vec-graph/wasm: SQLite's WebAssembly JS API with vec_graph compiled in. The object API
// (oo1), initialisation and the OPFS pool are typed; the C API (capi) and the wasm helpers are the
// documented SQLite ones (sqlite.org/wasm), typed loosely. The package's tests check that every method
// declared on Database and PreparedStatement exists at run time.

/** A value as SQLite hands it back: INTEGER beyond 2^53 as bigint, BLOB as Uint8Array. */
export type SqlValue = null | number | bigint | string | Uint8Array;
/** What may be bound to a parameter. */
export type BindValue = SqlValue | boolean | undefined | Int8Array | ArrayBuffer;
/** Positional parameters (array), named ones (object keyed ':name', '$name' or '@name'), or one value. */
export type BindParams = readonly BindValue[] | { readonly [name: string]: BindValue } | BindValue;

export interface ExecOptions {
  sql?: string;
  bind?: BindParams;
  /** How rows reach `callback` and `resultRows`: arrays, objects, the statement, a column index or '$name'. */
  rowMode?: 'array' | 'object' | 'stmt' | number | `$${string}`;
  returnValue?: 'this' | 'resultRows' | 'saveSql';
  resultRows?: unknown[];
  columnNames?: string[];
  callback?: (row: any, stmt: PreparedStatement) => boolean | void;
}

export interface PreparedStatement {
  readonly columnCount: number;
  readonly parameterCount: number;
  readonly pointer: number | undefined;
  bind(values: BindParams): this;
  bind(index: number | string, value: BindValue): this;
  bindAsBlob(value: string | Uint8Array | Int8Array | ArrayBuffer | null | undefined): this;
  bindAsBlob(index: number | string, value: string | Uint8Array | Int8Array | ArrayBuffer | null | undefined): this;
  /** Steps once: true while there is a row. */
  step(): boolean;
  stepReset(): this;
  stepFinalize(): boolean;
  reset(alsoClearBinds?: boolean): this;
  clearBindings(): this;
  get(index: number, asType?: number): SqlValue;
  get(target: SqlValue[]): SqlValue[];
  get(target: Record<string, SqlValue>): Record<string, SqlValue>;
  getInt(index: number): number | bigint | null;
  getFloat(index: number): number | null;
  getString(index: number): string | null;
  getBlob(index: number): Uint8Array | null;
  getJSON(index: number): unknown;
  getColumnName(index: number): string;
  getColumnNames(target?: string[]): string[];
  getParamIndex(name: string): number | undefined;
  finalize(): number | undefined;
}

export interface Database {
  readonly filename: string;
  readonly pointer: number | undefined;
  exec(options: ExecOptions & { returnValue: 'resultRows' }): unknown[];
  exec(sql: string, options: ExecOptions & { returnValue: 'resultRows' }): unknown[];
  exec(sql: string | ExecOptions, options?: ExecOptions): this;
  prepare(sql: string): PreparedStatement;
  selectValue(sql: string, bind?: BindParams, asType?: number): SqlValue | undefined;
  selectValues(sql: string, bind?: BindParams, asType?: number): SqlValue[];
  selectArray(sql: string, bind?: BindParams): SqlValue[] | undefined;
  selectArrays(sql: string, bind?: BindParams): SqlValue[][];
  selectObject(sql: string, bind?: BindParams): Record<string, SqlValue> | undefined;
  selectObjects(sql: string, bind?: BindParams): Record<string, SqlValue>[];
  changes(total?: boolean, sixtyFour?: boolean): number | bigint;
  transaction<T>(callback: (db: this) => T): T;
  transaction<T>(beginQualifier: 'DEFERRED' | 'IMMEDIATE' | 'EXCLUSIVE', callback: (db: this) => T): T;
  savepoint<T>(callback: (db: this) => T): T;
  isOpen(): boolean;
  dbFilename(schema?: string): string | null;
  dbName(index?: number): string | null;
  close(): void;
}

export interface DatabaseConstructor {
  /** flags: 'c' create, 'w' write, 'r' read-only, 't' trace SQL to the console. */
  new (filename?: string, flags?: string, vfs?: string | null): Database;
  new (options: { filename?: string; flags?: string; vfs?: string | null }): Database;
}

/** The OPFS "SyncAccessHandle pool" VFS (workers only, no COOP/COEP headers needed). */
export interface SAHPoolUtil {
  readonly vfsName: string;
  OpfsSAHPoolDb: DatabaseConstructor;
  getFileNames(): string[];
  getFileCount(): number;
  getCapacity(): number;
  addCapacity(n: number): Promise<number>;
  importDb(name: string, bytes: Uint8Array | ArrayBuffer): number;
  exportFile(name: string): Uint8Array;
  unlink(name: string): boolean;
  wipeFiles(): Promise<void>;
  removeVfs(): Promise<boolean>;
}

export interface SAHPoolOptions {
  name?: string;
  directory?: string;
  initialCapacity?: number;
  clearOnInit?: boolean;
  verbosity?: number;
  forceReinitIfPreviouslyFailed?: boolean;
}

export interface Sqlite3Static {
  readonly version: { libVersion: string; libVersionNumber: number; sourceId: string; downloadVersion: number };
  readonly oo1: {
    DB: DatabaseConstructor;
    /** Present where the "opfs" VFS could be installed (a worker with SharedArrayBuffer). */
    OpfsDb?: DatabaseConstructor;
    /** Browsers' localStorage / sessionStorage ('local', 'session'). */
    JsStorageDb?: DatabaseConstructor;
  };
  /** SQLite's C API: sqlite3_* functions and SQLITE_* constants, as sqlite.org/wasm documents them. */
  readonly capi: { readonly [name: string]: any };
  /** Helpers over the module's memory: alloc, dealloc, peek, poke, pstack, heap8u(), exports, ... */
  readonly wasm: { readonly [name: string]: any };
  readonly SQLite3Error: new (...args: any[]) => Error;
  /** The OPFS pool VFS: in the browser build (use it in a worker); absent under Node. */
  installOpfsSAHPoolVfs?: (options?: SAHPoolOptions) => Promise<SAHPoolUtil>;
}

export interface InitOptions {
  print?: (text: string) => void;
  printErr?: (text: string) => void;
  /** Where to fetch sqlite3.wasm from, if not beside the module. */
  locateFile?: (path: string, prefix: string) => string;
  [option: string]: unknown;
}

/** Loads and initialises SQLite (with vec_graph registered for every connection). */
declare function sqlite3InitModule(options?: InitOptions): Promise<Sqlite3Static>;
export default sqlite3InitModule;
export { sqlite3InitModule };

/** A vector as vec_graph's little-endian float32 BLOB; throws on a non-finite element. */
export function serializeF32(values: ArrayLike<number>): Uint8Array;
