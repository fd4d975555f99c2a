import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The agent console: built into dist/console, which the API serves at /console. */
export default defineConfig({
  root,
  base: '/console/',
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    port: 5173,
    strictPort: true,
    // `npm run dev:console` beside `npm start`: the API answers /v1 on its own port.
    proxy: { '/v1': process.env.CONSOLE_API_URL ?? 'http://localhost:3000' },
  },
});
