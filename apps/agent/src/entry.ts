// How the agent runs a sibling entry point (its cluster workers): the file next to the running
// module, in the same form. Production runs the compiled JavaScript (`tsc -b` → dist/, started as
// `node --conditions=spillway-dist apps/agent/dist/main.js`, so that @spillway/* resolve to their
// dist/ too) and the worker is dist/worker.js with the same node flags; the TypeScript sources
// (tests, development) run under tsx and so does their worker.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The export condition under which the workspace packages resolve to their compiled dist/. */
export const DIST_CONDITION = 'spillway-dist';

export interface Entry {
  file: string;
  execArgv: string[];
}

/** `name` (without extension) next to the module at `moduleUrl`, and the node flags to run it with. */
export function siblingEntry(moduleUrl: string, name: string, execArgv: readonly string[] = process.execArgv): Entry {
  const self = fileURLToPath(moduleUrl);
  const ext = path.extname(self);
  const file = path.join(path.dirname(self), `${name}${ext === '.ts' ? '.ts' : '.js'}`);
  if (ext !== '.ts') return { file, execArgv: [...execArgv] };
  const underTsx = execArgv.some((a) => a.includes('tsx'));
  return { file, execArgv: underTsx ? [...execArgv] : [...execArgv, '--import', 'tsx'] };
}
