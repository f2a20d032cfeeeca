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

/**
 * In-process files that use the run's Postgres (a database of their own: createTestDatabase) and
 * build the control plane in the test process (buildApp, the agent hub on a port of its own), and
 * start no process and set no process-wide state: shared workers with the run's Postgres (the
 * project 'shared-db' of vitest.config.ts). A fresh worker importing the control plane cost
 * 2.3-4 s of CPU per file (the app's modules, Fastify, the Prisma client and its WASM, Ajv); a
 * shared one loads those once.
 */
export const SHARED_DB_FILES = [
  'apps/control-plane/test/api/auth-limiter.test.ts',
  'apps/control-plane/test/api/auth-spellings.test.ts',
  'apps/control-plane/test/api/auth.test.ts',
  'apps/control-plane/test/api/bad-input.test.ts',
  'apps/control-plane/test/api/config.test.ts',
  'apps/control-plane/test/api/content-switch.test.ts',
  'apps/control-plane/test/api/crud.test.ts',
  'apps/control-plane/test/api/errors.test.ts',
  'apps/control-plane/test/api/feedback.test.ts',
  'apps/control-plane/test/api/group-commit.test.ts',
  'apps/control-plane/test/api/http-syntax.test.ts',
  'apps/control-plane/test/api/maintenance-policy.test.ts',
  'apps/control-plane/test/api/monitor-types.test.ts',
  'apps/control-plane/test/api/service-migration.test.ts',
  'apps/control-plane/test/api/sites.test.ts',
  'apps/control-plane/test/api/vserver-client-timeouts.test.ts',
  'apps/control-plane/test/api/vserver-timeout-host.test.ts',
  'apps/control-plane/test/app/errors.test.ts',
  'apps/control-plane/test/app/health.test.ts',
  'apps/control-plane/test/app/request-id.test.ts',
  'apps/control-plane/test/ui/static.test.ts',
  'apps/control-plane/test/db/migrate.test.ts',
  'apps/control-plane/test/agent-hub/agent-views.test.ts',
  'apps/control-plane/test/agent-hub/bandwidth-shares.test.ts',
  'apps/control-plane/test/agent-hub/channel.test.ts',
  'apps/control-plane/test/agent-hub/config-kinds.test.ts',
  'apps/control-plane/test/agent-hub/content-switch-status.test.ts',
  'apps/control-plane/test/agent-hub/control-plane-hub.test.ts',
  'apps/control-plane/test/agent-hub/delta.test.ts',
  'apps/control-plane/test/agent-hub/limits.test.ts',
  'apps/control-plane/test/agent-hub/quota.test.ts',
  'apps/control-plane/test/agent-hub/report-changes.test.ts',
  'apps/control-plane/test/agent-hub/revoke.test.ts',
  'apps/control-plane/test/agent-hub/scale.test.ts',
  'apps/control-plane/test/agent-hub/selection-store.test.ts',
  'apps/control-plane/test/agent-hub/service-capacity.test.ts',
  'apps/control-plane/test/agent-hub/service-load.test.ts',
  'apps/control-plane/test/agent-hub/service-manager.test.ts',
  'apps/control-plane/test/agent-hub/sites.test.ts',
  'apps/control-plane/test/agent-hub/spillover-events.test.ts',
  'apps/control-plane/test/agent-hub/status-effective.test.ts',
  'apps/control-plane/test/agent-hub/status.test.ts',
  'test/contract/defaults.test.ts',
];
