import { defineConfig } from 'vitest/config';
import LongestFirst from './test/setup/sequencer.js';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time on the 2-core machines: most tests wait on sockets, processes and
    // Postgres rather than compute (the default, cores - 1, ran one file at a time: 12 min).
    maxWorkers: 2,
    // The longest files first, so that none starts last and runs on alone (test/setup/sequencer.ts).
    sequence: { sequencer: LongestFirst },
    globalSetup: ['test/setup/postgres.ts'],
  },
});
