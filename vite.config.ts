import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Builds the renderer (React) into dist/renderer; the Node side is built by scripts/build.mjs. */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
