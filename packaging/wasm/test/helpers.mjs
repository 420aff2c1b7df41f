// Role: what the wasm package's test suites share: the throw-away app they run in (test.sh copies this
// folder into it), the version and where results go, from test.sh's environment.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const app = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const version = process.env.VG_VERSION;
export const work = process.env.VG_WASM_WORK;
export const results = process.env.VG_RESULTS;
