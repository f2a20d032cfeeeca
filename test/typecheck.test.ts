// The whole workspace type-checks under the strict root configuration (`npm run build`).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

it('type-checks every workspace with tsc -b (strict)', async () => {
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  const result = await promisify(execFile)(tsc, ['-b', '--pretty', 'false'], { cwd: root }).then(
    () => ({ code: 0, out: '' }),
    (err: Error & { code?: number; stdout?: string }) => ({ code: err.code ?? 1, out: err.stdout ?? err.message }),
  );
  expect(result.out).toBe('');
  expect(result.code).toBe(0);
}, 180_000);
