// The retired words of docs/GLOSSARY.md ("Retired words, as the grep test sees them"): each rule
// names a word the quota's glossary replaced, where it is retired (every source file, or the quota
// code only, where the word also has an ordinary meaning elsewhere: a held socket, memory
// allocation, RFC 3986's reserved characters), and the word to use instead. test/glossary.test.ts
// scans the src/ trees of every workspace with them (the generated Prisma client excepted).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface RetiredWord {
  /** The retired word, as the report names it. */
  word: string;
  /** Where it is retired: a line matching this is a finding. */
  pattern: RegExp;
  /** Only in files whose repo-relative path matches this (default: every source file). */
  files?: RegExp;
  /** The glossary's word for the concept. */
  use: string;
}

/**
 * The quota code: core's pool, the hub's quota modules, the agent's pool manager, worker side and
 * control client, and the control channel's quota messages.
 */
export const QUOTA_CODE = /(^|\/)(quota-[\w-]+|global-quota|replica-quota|bandwidth-shares|service-capacity|control-client|messages|simulated-agent)\.ts$/;

export const RETIRED: readonly RetiredWord[] = [
  { word: 'slot', pattern: /\bslots?\b/i, use: 'use (one connection counted against a limit or a capacity)' },
  { word: 'loan', pattern: /\bloan(s|ed)?\b/i, use: 'borrowed / lent' },
  { word: 'debt', pattern: /\bdebts?\b/i, use: 'owed' },
  { word: 'allocate (message)', pattern: /'allocate'|\bAllocate\b/, use: "allowance (the message that carries an agent's allowance)" },
  {
    word: 'allocation (identifier)',
    pattern: /\w+Allocation|\bAllocation\w*|\ballocations\b|[.]allocation\b|\ballocation\??:/,
    use: 'allowance (or holding, for QuotaPool.holding)',
  },
  { word: 'allocation', pattern: /\balloc(ate[sd]?|ation|ations)\b|sub-allocat/i, files: QUOTA_CODE, use: 'allowance / share' },
  { word: 'held (committed)', pattern: /[.]held\b|\bheld\??:|\b(const|let) held\b|\bheld =|\b(as|still|uses) held\b/, files: QUOTA_CODE, use: 'committed' },
  { word: 'heldBy', pattern: /(\b|[a-z])[hH]eldBy(All)?\b/, use: 'committedBy' },
  { word: 'given (ceded)', pattern: /[.]given\b|\bgiven\??:|\bgiven[A-Z]|\b(const|let) given\b/, files: QUOTA_CODE, use: 'ceded / lent' },
  { word: 'reserved', pattern: /\breserv(ed|es|e)\b/i, files: QUOTA_CODE, use: "share (an engine's part) / kept" },
  { word: 'Lease (an allowance)', pattern: /\b(interface|type|class)\s+Lease\b|:\s*Lease\b|<Lease>/, use: "Allowance (a lease is only an agent's session)" },
  { word: 'threshold (metric)', pattern: /spillway_vserver_threshold\b/, use: 'spillway_vserver_limit' },
];

export interface Finding {
  file: string;
  line: number;
  word: string;
  use: string;
  text: string;
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

const sourceRoots = (root: string): string[] =>
  ['apps', 'packages']
    .map((top) => path.join(root, top))
    .filter(isDir)
    .flatMap((dir) => readdirSync(dir).map((n) => path.join(dir, n, 'src')))
    .filter(isDir);

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (isDir(p)) {
      if (name !== 'generated' && name !== 'node_modules') yield* sources(p);
    } else if (/\.(ts|tsx|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

/** Every line of the src/ trees under `root` that uses a retired word. */
export function retiredWordsIn(root: string, rules: readonly RetiredWord[] = RETIRED): Finding[] {
  const out: Finding[] = [];
  for (const dir of sourceRoots(root)) {
    for (const file of sources(dir)) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      const applicable = rules.filter((r) => !r.files || r.files.test(rel));
      if (applicable.length === 0) continue;
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((text, i) => {
        // One finding per line: the first rule it breaks.
        const r = applicable.find((x) => x.pattern.test(text));
        if (r) out.push({ file: rel, line: i + 1, word: r.word, use: r.use, text: text.trim() });
      });
    }
  }
  return out;
}
