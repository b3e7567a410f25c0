import { defineConfig } from 'vite';

export default defineConfig({
  root: 'client',
  base: '/',
  build: { outDir: '../dist/client', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
