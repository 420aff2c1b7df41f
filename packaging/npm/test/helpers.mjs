// Role: what the npm test suites share: the throw-away install they test (from test.sh's environment),
// this machine's platform key, and copies of the installed packages to break on purpose.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const app = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const work = process.env.VG_NPM_WORK;
export const version = process.env.VG_VERSION;
export const host = `${process.platform}-${process.arch}`;
export const targets = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];

// A copy of app/node_modules in a fresh folder; returns that folder, which the caller removes.
export function copyInstall() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vec-graph-npm-'));
  fs.cpSync(path.join(app, 'node_modules'), path.join(dir, 'node_modules'), { recursive: true });
  return dir;
}
