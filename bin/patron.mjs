#!/usr/bin/env node
// The `patron` command. Patron runs TypeScript directly on Node 24 (type stripping), which
// `npm install` provides through the pinned `node` package even where the system Node is older.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`Patron needs Node.js 24; this is ${process.version}. Run it through npm (npm start, npx patron …) so the Node that npm install pinned is used.`);
  process.exit(1);
}
await import('../server/src/main.ts');
