// `npm run openapi`: writes openapi/openapi.json, the OpenAPI document @fastify/swagger generates
// from the route schemas (stable key order, newline at the end). No database is needed: the app
// is built and made ready, never queried. `--check` exits 1 when the committed file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOpenApi } from '../apps/control-plane/src/plugins/openapi-document.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(root, 'openapi', 'openapi.json');
const text = await generateOpenApi();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    /* missing */
  }
  if (current !== text) {
    console.error(`${path.relative(root, file)} differs from what the routes generate: run npm run openapi`);
    process.exit(1);
  }
  console.log(`${path.relative(root, file)} is up to date`);
} else {
  writeFileSync(file, text);
  console.log(`wrote ${path.relative(root, file)} (${text.length} bytes)`);
}
