import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Optional peers, imported dynamically only when installed: never bundled.
  external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
});
