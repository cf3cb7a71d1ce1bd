#!/usr/bin/env node
// Builds the web app (web/ → web/dist) with Vite, unless the build is newer than every source
// file. Run by `npm start` and `npm test`, so the up-to-date check must stay cheap.
// PATRON_FORCE_WEB_BUILD=1 builds regardless.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const distIndex = path.join(web, 'dist', 'index.html');
const inputs = ['src', 'index.html', 'vite.config.ts', 'postcss.config.cjs', 'package.json'].map((p) => path.join(web, p));

/** The newest modification time under a file or directory (0 if it does not exist). */
function newest(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs; // a deleted file changes its directory's mtime
  for (const entry of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
  return max;
}

function builtAt() {
  try {
    return fs.statSync(distIndex).mtimeMs;
  } catch {
    return 0;
  }
}

const force = process.env.PATRON_FORCE_WEB_BUILD === '1';
const sourcesAt = Math.max(...inputs.map(newest));
const distAt = builtAt();

if (!force && distAt > 0 && distAt >= sourcesAt) {
  console.log('web: web/dist is up to date (set PATRON_FORCE_WEB_BUILD=1 to rebuild)');
} else {
  const why = force ? 'forced' : distAt === 0 ? 'no build yet' : 'sources changed';
  const started = Date.now();
  const { build } = await import('vite');
  try {
    await build({ configFile: path.join(web, 'vite.config.ts'), root: web, logLevel: 'warn', mode: 'production' });
  } catch (err) {
    console.error(`web: build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  console.log(`web: built web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s (${why})`);
}
