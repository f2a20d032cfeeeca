// The typed client's types, generated from openapi/openapi.json with openapi-typescript and
// committed as src/generated/openapi.ts. `tsx apps/cli/scripts/codegen.ts` (part of `npm run
// openapi`) rewrites them; `--check` exits 1 when the committed file differs from the document.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../../..');
export const DOCUMENT = path.join(ROOT, 'openapi', 'openapi.json');
export const GENERATED = path.join(here, '..', 'src', 'generated', 'openapi.ts');

const HEADER = '// Generated from openapi/openapi.json by apps/cli/scripts/codegen.ts (npm run openapi). Do not edit.\n';

/** The types openapi-typescript makes of the document as it is on disk now. */
export async function generateTypes(document = DOCUMENT): Promise<string> {
  const ast = await openapiTS(JSON.parse(readFileSync(document, 'utf8')) as Parameters<typeof openapiTS>[0], { alphabetize: true });
  return HEADER + astToString(ast);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await generateTypes();
  const rel = path.relative(process.cwd(), GENERATED);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(GENERATED, 'utf8');
    } catch {
      /* missing */
    }
    if (current !== text) {
      console.error(`${rel} differs from what openapi/openapi.json generates: run npm run openapi`);
      process.exit(1);
    }
    console.log(`${rel} is up to date`);
  } else {
    writeFileSync(GENERATED, text);
    console.log(`wrote ${rel} (${text.length} bytes)`);
  }
}
