import { defineConfig } from 'vite';

// Bundles the CLI (lib/cli/main.ts) for Node; dependencies stay in node_modules.
export default defineConfig({
  publicDir: false,
  resolve: { alias: { '@': import.meta.dirname } },
  build: {
    ssr: 'lib/cli/main.ts',
    outDir: 'dist',
    emptyOutDir: true,
    target: 'node20',
    rollupOptions: { output: { entryFileNames: 'cli.mjs', format: 'es' } },
  },
});
