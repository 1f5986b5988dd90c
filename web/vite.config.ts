import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The API to proxy to in `npm run dev` (fog api's --http-port).
const api = process.env.FOG_API ?? 'http://127.0.0.1:8080';
const apiPrefixes = ['/videos', '/keys', '/fog', '/metrics', '/health', '/ui-config', '/create'];

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    target: 'es2022',
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: Object.fromEntries(apiPrefixes.map((p) => [p, { target: api, changeOrigin: true }])),
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
  },
});
