import { defineConfig } from 'vitest/config';
import LongestFirst from './test/setup/sequencer.js';
import { SHARED_DB_FILES, SHARED_WORKER_FILES } from './test/setup/shared-workers.js';

const include = ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts', 'bench/test/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Three files at a time on the 2-core machines: most tests wait on sockets, processes,
    // Postgres and fixed windows (30 s without a control plane, an Ansible run) rather than
    // compute (the default, cores - 1, ran one file at a time: 12 min; two at a time took 564 s of
    // vitest at 9a1104c once this session's e2e files came in).
    maxWorkers: 3,
    // The longest files first, so that none starts last and runs on alone (test/setup/sequencer.ts).
    sequence: { sequencer: LongestFirst },
    projects: [
      // Each file in a worker of its own, with the run's Postgres (test/setup/postgres.ts).
      {
        extends: true,
        test: { name: 'isolated', include, exclude: [...SHARED_WORKER_FILES, ...SHARED_DB_FILES], globalSetup: ['test/setup/postgres.ts'] },
      },
      // Pure logic and in-process unit tests: workers and loaded modules reused (test/setup/shared-workers.ts).
      { extends: true, test: { name: 'shared', include: SHARED_WORKER_FILES, isolate: false } },
      // The in-process control-plane files with a database each: shared workers, the run's Postgres (the same server).
      { extends: true, test: { name: 'shared-db', include: SHARED_DB_FILES, isolate: false, globalSetup: ['test/setup/postgres.ts'] } },
    ],
  },
});
