import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'student-worker': 'src/pipeline/student-worker.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
