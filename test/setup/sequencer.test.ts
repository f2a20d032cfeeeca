// The longest-first order names real files (a renamed file would silently lose its place).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { LONGEST_FILES } from './sequencer.js';

it('lists only test files that exist, each once', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  for (const f of LONGEST_FILES) expect(existsSync(path.join(root, f)), f).toBe(true);
  expect(new Set(LONGEST_FILES).size).toBe(LONGEST_FILES.length);
});
