// The quota's glossary is used everywhere (issue 12 item 1): no source file uses a word
// docs/GLOSSARY.md retired (the rules: test/kit/glossary.ts). A static scan of the src/ trees.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RETIRED, retiredWordsIn } from './kit/glossary.js';

const root = path.resolve(import.meta.dirname, '..');

describe('the glossary of the quota', () => {
  it('no src/ file uses a retired word (each finding names file:line, the word and the one to use)', () => {
    const findings = retiredWordsIn(root).map((f) => `${f.file}:${f.line}: "${f.word}" → ${f.use}: ${f.text.slice(0, 120)}`);
    expect(findings).toEqual([]);
  });

  it('finds a retired word, with its file and line, in a tree that still uses it', () => {
    const fixture = path.join(import.meta.dirname, 'kit', 'fixtures', 'glossary');
    const found = retiredWordsIn(fixture)
      .map((f) => `${f.file}:${f.line}:${f.word}`)
      .sort();
    expect(found).toEqual([
      'apps/x/src/other.ts:2:debt',
      'apps/x/src/quota-x.ts:1:slot',
      'apps/x/src/quota-x.ts:2:held (committed)',
      'apps/x/src/quota-x.ts:3:allocate (message)',
    ]);
    // The quota-only words keep their ordinary meaning elsewhere (a held socket, line 1 of other.ts).
    expect(found.some((f) => f.startsWith('apps/x/src/other.ts:1:'))).toBe(false);
    expect(RETIRED.length).toBeGreaterThan(5);
  });
});
