import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The customer's page: built into dist/portal, which the API serves at /portal. */
export default defineConfig({
  root,
  base: '/portal/',
  build: {
    outDir: fileURLToPath(new URL('../../dist/portal', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    port: 5174,
    strictPort: true,
    // `npm run dev:portal` beside `npm start`: the API answers /v1 on its own port.
    proxy: { '/v1': process.env.PORTAL_API_URL ?? 'http://localhost:3000' },
  },
});
