import { defineConfig } from 'vitest/config';

// One vitest run over every package. Workspace packages resolve to their TypeScript sources
// through the "@ebpf/source" export condition, so tests never need a build first.
export default defineConfig({
  resolve: { conditions: ['@ebpf/source'] },
  ssr: { resolve: { conditions: ['@ebpf/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
