// Role: what the page test needs around the page: a static file server on 127.0.0.1 (the right MIME
// types for .mjs and .wasm) and headless Chromium driven over the DevTools protocol (Node's own
// WebSocket; no other dependency): open a URL, evaluate an expression, take a screenshot.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json' };

// Serves the files under root; resolves to { url, close }.
export function serve(root) {
  const server = http.createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => {
      server.close(done);
      server.closeAllConnections();
    }),
  })));
}

// Starts headless Chromium with a fresh profile; resolves to a page session { send, events, close }.
export async function launch(executable = 'chromium') {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vec-graph-chromium-'));
  const child = spawn(executable, ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--window-size=1200,900', 'about:blank'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const stop = async () => {
    child.kill('SIGKILL');
    await exited;
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  try {
    const endpoint = await new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`chromium gave no DevTools endpoint in 30 s: ${seen}`)), 30000);
      child.on('exit', (code) => reject(new Error(`chromium exited (${code}): ${seen}`)));
      child.stderr.on('data', (chunk) => {
        seen += chunk;
        const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
        if (match) { clearTimeout(timer); resolve(new URL(match[1])); }
      });
    });
    const pages = await (await fetch(`http://${endpoint.host}/json/list`)).json();
    const socket = new WebSocket(pages.find((t) => t.type === 'page').webSocketDebuggerUrl);
    await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
    let id = 0;
    const pending = new Map();
    const events = [];
    socket.onmessage = ({ data }) => {
      const message = JSON.parse(data);
      if (message.id && pending.has(message.id)) {
        const { resolve, reject } = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) reject(new Error(`${message.error.message} (${message.error.code})`));
        else resolve(message.result);
      } else if (message.method) {
        events.push(message);
      }
    };
    socket.onclose = () => {
      for (const { reject } of pending.values()) reject(new Error('the DevTools connection closed'));
      pending.clear();
    };
    const send = (method, params = {}) => new Promise((resolve, reject) => {
      if (socket.readyState !== WebSocket.OPEN) throw new Error('the DevTools connection is closed');
      pending.set(++id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
    return { send, events, close: async () => { socket.close(); await stop(); } };
  } catch (error) {
    await stop();
    throw error;
  }
}

// Evaluates expression in the page every 100 ms until it gives a value other than undefined.
export async function waitFor(session, expression, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const { result } = await session.send('Runtime.evaluate', { expression, returnByValue: true });
    if (result.value !== undefined) return result.value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the page did not produce ${expression} in ${seconds} s`);
}
