// Test files that run in shared workers (vitest's isolate: false, vitest.config.ts): pure logic and
// in-process unit tests that start no process and no database and touch no process-wide state
// (process.env, listeners, fake timers, globals). A fresh worker per file costs some 0.8 s of CPU
// (a forked node, vitest's runtime, the imports again); these files reuse the workers and the
// modules already loaded (31 of them: 44 → 20 s of CPU here). Every other file keeps a worker
// of its own. A file that starts to spawn, use Postgres or set process-wide state leaves this list.

/** Globs, relative to the repository root. */
export const SHARED_WORKER_FILES = [
  'packages/*/test/**/*.test.ts',
  'apps/agent/test/config-defaults.test.ts',
  'apps/agent/test/config-rules.test.ts',
  'apps/agent/test/config-sites.test.ts',
  'apps/agent/test/control/backoff.test.ts',
  'apps/agent/test/control/channel-url.test.ts',
  'apps/agent/test/control/revoke-held.test.ts',
  'apps/agent/test/enforced-health.test.ts',
  'apps/agent/test/http-read-buffer.test.ts',
  'apps/agent/test/probes.test.ts',
  'apps/agent/test/service-state.test.ts',
  'apps/cli/test/generated.test.ts',
  'apps/control-plane/test/agent-hub/feedback.test.ts',
  'apps/control-plane/test/agent-hub/maintenance.test.ts',
  'apps/control-plane/test/api/semantics.test.ts',
  'apps/control-plane/test/app/config.test.ts',
  'apps/control-plane/test/app/error-codes.test.ts',
  'bench/test/lib.test.ts',
  'test/glossary.test.ts',
  'test/setup/sequencer.test.ts',
  'test/setup/shared-workers.test.ts',
  'test/workspace-deps.test.ts',
];
