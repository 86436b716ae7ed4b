import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console's single-page app: `app/` is the Vite root, the BFF serves `dist/app/`. In development
 * (`npx vite --config console/vite.config.ts`) `/api` goes to a running BFF (CONSOLE_BFF_URL, default :3000).
 */
export default defineConfig({
  root: fileURLToPath(new URL('./app', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/app', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    proxy: { '/api': process.env.CONSOLE_BFF_URL ?? 'http://127.0.0.1:3000' },
  },
});
