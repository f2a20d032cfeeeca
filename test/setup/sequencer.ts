// The order test files start in: the longest first. Two files run at a time (vitest.config.ts), so
// a long file that starts near the end runs on alone while the other worker idles; on a clean
// clone vitest has no durations of earlier runs to order by (it keeps the order of the glob).
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const root = path.resolve(import.meta.dirname, '../..');

/** The longest files, longest first (clean-clone runs and single-file timings of 2026-12-01). */
export const LONGEST_FILES = [
  'test/e2e/live-migration.test.ts',
  'test/e2e/sites.test.ts',
  'test/e2e/service-manager.test.ts',
  'test/e2e/application-feedback.test.ts',
  'apps/cli/test/cli.test.ts',
  'apps/control-plane/test/api/contract.test.ts',
  'test/examples/ansible.test.ts',
  'bench/test/convergence.smoke.test.ts',
  'test/e2e/spillover-across-agents.test.ts',
  'test/faults/control-plane-down.test.ts',
  'test/faults/control-plane-killed.test.ts',
  'apps/agent/test/service-state-workers.test.ts',
  'apps/control-plane/test/agent-hub/agent-rows.test.ts',
  'apps/control-plane/test/agent-hub/revoke.test.ts',
  'test/faults/shared-limit.test.ts',
  'apps/control-plane/test/ui/dashboard.test.ts',
  'apps/agent/test/lifecycle.test.ts',
  'apps/control-plane/test/server/server.test.ts',
  'apps/control-plane/test/api/bootstrap.test.ts',
  'apps/agent/test/admission.test.ts',
  'apps/agent/test/built-agent.test.ts',
  'apps/control-plane/test/api/bad-input.test.ts',
  'bench/test/control-plane.smoke.test.ts',
  'apps/control-plane/test/api/auth-spellings.test.ts',
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
