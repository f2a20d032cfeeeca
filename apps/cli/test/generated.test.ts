// The typed client cannot drift from the API: the committed types are what openapi-typescript
// makes of openapi/openapi.json as it is now, so a route change regenerated into openapi.json
// without `npm run openapi` also regenerating apps/cli/src/generated fails here (and a change
// the CLI's calls no longer fit fails the type-check, npm run typecheck in npm test).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect, it } from 'vitest';
import { DOCUMENT, GENERATED, generateTypes } from '../scripts/codegen.js';

it('the committed client types are what openapi/openapi.json generates (run npm run openapi after changing a route)', async () => {
  const committed = readFileSync(GENERATED, 'utf8');
  const fresh = await generateTypes(DOCUMENT);
  expect(committed === fresh, 'apps/cli/src/generated/openapi.ts is stale: run npm run openapi').toBe(true);
});

it('the check is sensitive to the document: one more route changes the generated types', async () => {
  const doc = JSON.parse(readFileSync(DOCUMENT, 'utf8')) as { paths: Record<string, unknown> };
  doc.paths['/v1/example-route'] = { get: { operationId: 'exampleRoute', responses: { 200: { description: 'ok' } } } };
  const file = `${mkdtempSync(`${tmpdir()}/spillway-openapi-`)}/openapi.json`;
  writeFileSync(file, JSON.stringify(doc));
  const types = await generateTypes(file);
  expect(types).toContain('"/v1/example-route"');
  expect(types).not.toBe(readFileSync(GENERATED, 'utf8'));
});
