import { defineConfig } from 'vite';

// The app is served by motcua itself (web/dist); `npm run dev` proxies the API to a local motcua.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', assetsDir: 'assets', sourcemap: false },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
    },
  },
});
