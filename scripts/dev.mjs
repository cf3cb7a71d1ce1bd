// `npm run dev`: the Patron server (pretty logs, port 4000) and the Vite dev server (port 5173,
// hot reload, forwarding /api to 4000). Open http://localhost:5173. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const procs = [
  spawn(process.execPath, [path.join(root, 'bin/patron.mjs'), 'start'], { cwd: root, stdio: 'inherit', env: { PATRON_LOG_PRETTY: 'true', ...process.env, PORT: '4000' } }),
  spawn(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), '--config', path.join(root, 'web/vite.config.ts')], { cwd: path.join(root, 'web'), stdio: 'inherit' }),
];
let stopping = false;
const stop = (code) => {
  if (stopping) return;
  stopping = true;
  for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
  setTimeout(() => process.exit(code), 100).unref();
};
for (const p of procs) p.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
