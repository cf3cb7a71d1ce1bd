import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = 'http://localhost:4000';

// The server serves web/dist in production; in development Vite serves the app and forwards API calls.
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(['/api', '/v1', '/healthz', '/readyz', '/metrics'].map((p) => [p, { target: api }])),
  },
});
