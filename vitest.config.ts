import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@goalbridge/source` export condition,
// so tests never need a build.
const conditions = ['@goalbridge/source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
