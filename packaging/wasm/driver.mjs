// Role: compat-matrix's fixture driver for the WebAssembly build, under Node: speaks vg_driver's protocol
// (Sources/compat-driver/vg_driver.c: the same script records in, the same transcript out), so that
// `compat-matrix run --driver driver.mjs --extension <module> --emulator node` runs every fixture
// against SQLite and vec_graph compiled to wasm. --extension names the ES module to load, the
// package's Node entry (@vec-graph/wasm/node.mjs) or a build's sqlite3-node.mjs: vec_graph is compiled
// into it, so "loading" is the module's initialisation, and LOAD OK says that vec_graph_version() is
// there. The database is a file in Emscripten's in-memory file system, new in every process. Everything
// goes through the C API as vg_driver calls it (sqlite3.capi, the values' bytes read from wasm memory).
// usage: node driver.mjs --db PATH --extension MODULE --script FILE
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const usage = 'usage: driver.mjs --db PATH --extension MODULE --script FILE';
const options = {};
const argv = process.argv.slice(2);
for (let i = 0; i + 1 < argv.length; i += 2) {
  if (!['--db', '--extension', '--script'].includes(argv[i])) break;
  options[argv[i].slice(2)] = argv[i + 1];
}
if (argv.length % 2 || Object.keys(options).length * 2 !== argv.length || !options.db || !options.script
    || !options.extension) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}

// Nothing but the transcript may reach stdout: SQLite's JS logging and the module's print go to stderr.
const toStderr = (...parts) => process.stderr.write(`${parts.join(' ')}\n`);
console.log = console.info = console.debug = console.warn = toStderr;
globalThis.sqlite3ApiConfig = { log: toStderr, warn: toStderr, error: toStderr, debug: toStderr };
const out = (text) => fs.writeSync(1, text);
const outBytes = (bytes) => { if (bytes.length) fs.writeSync(1, bytes); };
const framed = (prefix, bytes) => {
  out(`${prefix}${bytes.length}\n`);
  outBytes(bytes);
  out('\n');
};

let script;
try {
  script = fs.readFileSync(options.script);
} catch {
  process.stderr.write(`vg_driver: cannot open script ${options.script}\n`);
  process.exit(3);
}
let sqlite3;
try {
  const { default: init } = await import(pathToFileURL(path.resolve(options.extension)).href);
  sqlite3 = await init({ print: toStderr, printErr: toStderr });
} catch (error) {
  process.stderr.write(`vg_driver: cannot load ${options.extension}: ${error?.stack ?? error}\n`);
  process.exit(3);
}
const { capi, wasm } = sqlite3;
const encoder = new TextEncoder();
const heapBytes = (pointer, n) => wasm.heap8u().slice(pointer, pointer + n);

out(`SQLITE ${capi.sqlite3_libversion()} ${capi.sqlite3_sourceid()}\n`);
const scratch = wasm.pstack.pointer;
const ppDb = wasm.pstack.allocPtr();
const ppStmt = wasm.pstack.allocPtr();
const ppTail = wasm.pstack.allocPtr();
if (capi.sqlite3_open_v2(options.db, ppDb, capi.SQLITE_OPEN_READWRITE | capi.SQLITE_OPEN_CREATE, null)) {
  const db = wasm.peekPtr(ppDb);
  process.stderr.write(`vg_driver: cannot open database ${options.db}: ${db ? capi.sqlite3_errmsg(db) : 'out of memory'}\n`);
  process.exit(3);
}
const db = wasm.peekPtr(ppDb);
// As SQLite's own sqllogictest runner does: no fsync per transaction (the file is thrown away).
capi.sqlite3_exec(db, 'PRAGMA synchronous=OFF', 0, 0, 0);

function putValue(stmt, i) {
  const type = capi.sqlite3_column_type(stmt, i);
  if (type === capi.SQLITE_NULL) return out('n\n');
  if (type === capi.SQLITE_INTEGER) return out(`i ${capi.sqlite3_column_int64(stmt, i)}\n`);
  if (type === capi.SQLITE_FLOAT) {
    const value = capi.sqlite3_column_double(stmt, i);
    const text = wasm.exports.sqlite3_column_text(stmt, i);
    return framed(`r ${printG17(value)} `, heapBytes(text, capi.sqlite3_column_bytes(stmt, i)));
  }
  const pointer = type === capi.SQLITE_TEXT ? wasm.exports.sqlite3_column_text(stmt, i)
    : wasm.exports.sqlite3_column_blob(stmt, i);
  return framed(type === capi.SQLITE_TEXT ? 't ' : 'b ', heapBytes(pointer, capi.sqlite3_column_bytes(stmt, i)));
}

// The transcript's number before a REAL's text: the harness parses it as a double, so any spelling
// that reads back as the same double does; the special values are spelled as C's %.17g spells them.
function printG17(value) {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return Object.is(value, -0) ? '-0' : String(value);
}

// Every statement of the record, as sqlite3_exec would; the rows when isQuery. Returns the error or null.
function runSql(sqlBytes, isQuery) {
  const sql = wasm.alloc(sqlBytes.length + 1);
  try {
    wasm.heap8u().set(sqlBytes, sql);
    wasm.poke8(sql + sqlBytes.length, 0);
    const end = sql + sqlBytes.length;
    let tail = sql;
    while (tail < end) {
      if (capi.sqlite3_prepare_v2(db, tail, end - tail, ppStmt, ppTail) !== capi.SQLITE_OK) {
        return capi.sqlite3_errmsg(db);
      }
      const stmt = wasm.peekPtr(ppStmt);
      const next = wasm.peekPtr(ppTail);
      if (!stmt) {
        if (next === tail) break;
        tail = next;
        continue;
      }
      tail = next;
      let rc;
      while ((rc = capi.sqlite3_step(stmt)) === capi.SQLITE_ROW) {
        if (!isQuery) continue;
        const columns = capi.sqlite3_column_count(stmt);
        out(`ROW ${columns}\n`);
        for (let i = 0; i < columns; i++) putValue(stmt, i);
      }
      if (rc !== capi.SQLITE_DONE) {
        const message = capi.sqlite3_errmsg(db);
        capi.sqlite3_finalize(stmt);
        return message;
      }
      capi.sqlite3_finalize(stmt);
    }
    return null;
  } finally {
    wasm.dealloc(sql);
  }
}

// The records, framed as `<S|Q> <line> <nbytes>\n<sql bytes>\n`; null at the end, undefined if malformed.
let offset = 0;
function nextRecord() {
  if (offset >= script.length) return null;
  const newline = script.indexOf(10, offset);
  const header = newline < 0 ? null : /^([SQ]) (\d+) (\d+)$/.exec(script.subarray(offset, newline).toString('latin1'));
  if (!header) return undefined;
  const n = Number(header[3]);
  const start = newline + 1;
  if (start + n >= script.length || script[start + n] !== 10) return undefined;
  offset = start + n + 1;
  return { isQuery: header[1] === 'Q', line: header[2], sql: script.subarray(start, start + n) };
}

let status = 0;
const probe = runSql(encoder.encode('SELECT vec_graph_version()'), false);
if (probe === null) {
  out('LOAD OK\n');
  for (let record; (record = nextRecord());) {
    process.stderr.write(`vg_driver: record ${record.line}\n`);
    out(`BEGIN ${record.line}\n`);
    const started = process.hrtime.bigint();
    const error = runSql(record.sql, record.isQuery);
    const elapsed = (process.hrtime.bigint() - started) / 1000n;
    if (error === null) out(`OK ${elapsed}\n`);
    else framed(`ERR ${elapsed} `, encoder.encode(error));
  }
  if (offset < script.length) {
    process.stderr.write('vg_driver: malformed script\n');
    status = 3;
  } else {
    process.stderr.write('vg_driver: end of script\n');
  }
} else {
  framed('LOAD ERR ', encoder.encode(`vec_graph is not compiled into ${options.extension}: ${probe}`));
}
if (status === 0) out('DONE\n');
capi.sqlite3_close_v2(db);
wasm.pstack.restore(scratch);
process.exit(status);
