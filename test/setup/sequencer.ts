// The order test files start in: the longest first. Three files run at a time (vitest.config.ts), so
// a long file that starts near the end runs on alone while the other workers idle; on a clean
// clone vitest has no durations of earlier runs to order by (it keeps the order of the glob).
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const root = path.resolve(import.meta.dirname, '../..');

/** The longest files, longest first (the clean-clone run at 7bc1f76, 2026-12-02 01:25, load 10-15). */
export const LONGEST_FILES = [
  'test/examples/ansible.test.ts',
  'apps/cli/test/cli.test.ts',
  'apps/control-plane/test/api/contract.test.ts',
  'bench/test/convergence.smoke.test.ts',
  'test/faults/control-plane-down.test.ts',
  'apps/control-plane/test/db/embedded-postgres.test.ts',
  'bench/test/control-plane.smoke.test.ts',
  'apps/control-plane/test/server/server.test.ts',
  'apps/control-plane/test/agent-hub/agent-rows.test.ts',
  'bench/test/spillover.smoke.test.ts',
  'apps/agent/test/service-state-workers.test.ts',
  'test/e2e/live-migration.test.ts',
  'bench/test/proxy.smoke.test.ts',
  'test/e2e/spillover-across-agents.test.ts',
  'apps/control-plane/test/ui/dashboard.test.ts',
  'apps/control-plane/test/api/bootstrap.test.ts',
  'apps/control-plane/test/api/auth-spellings.test.ts',
  'test/e2e/sites.test.ts',
  'test/e2e/service-manager.test.ts',
  'apps/control-plane/test/agent-hub/revoke.test.ts',
  'test/e2e/global-methods.test.ts',
  'apps/control-plane/test/agent-hub/delta.test.ts',
  'test/workspace-deps.test.ts', // shared workers: 21 s, and it ran last
  'test/faults/shared-limit.test.ts',
  'test/faults/control-plane-killed.test.ts',
  'apps/agent/test/admission.test.ts',
  'apps/control-plane/test/api/crud.test.ts',
  'test/e2e/spillover-events.test.ts',
  'test/e2e/application-feedback.test.ts',
  'apps/control-plane/test/api/bad-input.test.ts',
  'apps/control-plane/test/api/config.test.ts',
  'apps/cli/test/generated.test.ts', // shared workers: 11 s
];

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = LONGEST_FILES.indexOf(path.relative(root, f.moduleId));
      return i === -1 ? LONGEST_FILES.length : i;
    };
    // Stable: the files not listed keep vitest's own order (failed first, then longest, when it knows).
    return (await super.sort(files))
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}
