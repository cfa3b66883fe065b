// SPDX-License-Identifier: Apache-2.0
import { defineConfig } from 'vite';

// The server sends a strict CSP (script-src 'self'; style-src 'self'), so the build must not
// produce inline scripts or styles: Vite's defaults (hashed files under assets/) are kept.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
  // The image viewer's DICOM decoders run in a module worker that loads its WebAssembly codecs on
  // demand (code-split chunks), which only the 'es' worker format allows.
  worker: { format: 'es' },
  // vtk.js (under Cornerstone3D) imports xmlbuilder2 for VTK XML files, which needs Node's events.
  resolve: {
    alias: { xmlbuilder2: new URL('./src/shims/xmlbuilder2.ts', import.meta.url).pathname },
  },
  server: {
    // `npm run dev` proxies the API to a locally running `tsunagu serve`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
