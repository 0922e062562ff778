import { defineConfig } from 'vitest/config';

/**
 * The vitest configuration every package uses. Tests read sibling packages from source
 * through the `source` export condition; Vite 6+ resolves server-side (Node) imports with
 * `ssr.resolve.conditions`, not `resolve.conditions`, so both are set.
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
