// openapi/openapi.json is what the routes generate, complete, and passes a third-party linter.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createPrismaClient } from '../../src/db/prisma.js';
import { generateOpenApi } from '../../src/plugins/openapi-document.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const file = path.join(root, 'openapi', 'openapi.json');

describe('OpenAPI document', () => {
  it('the committed openapi/openapi.json is what the routes generate (run npm run openapi after changing a route)', async () => {
    expect(readFileSync(file, 'utf8') === (await generateOpenApi()), 'openapi/openapi.json is stale: run npm run openapi').toBe(true);
  });

  it('documents every route with an operationId, tags, a summary and responses; every REST write with a request schema and an example', () => {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    const ids = new Set<string>();
    let writes = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${p}`;
        expect(typeof op.operationId, where).toBe('string');
        expect(ids.has(op.operationId as string), `${where}: duplicate operationId`).toBe(false);
        ids.add(op.operationId as string);
        expect((op.tags as string[]).length, where).toBeGreaterThan(0);
        expect(typeof op.summary, where).toBe('string');
        expect(Object.keys(op.responses as object).length, where).toBeGreaterThan(0);
        if (['post', 'put', 'patch'].includes(method) && p.startsWith('/v1/')) {
          writes += 1;
          const media = (op.requestBody as { content: Record<string, { schema: unknown; example?: unknown; examples?: unknown }> }).content[
            'application/json'
          ]!;
          expect(media.schema, where).toBeDefined();
          expect(JSON.stringify(media).includes('"example'), `${where}: request example`).toBe(true);
        }
      }
    }
    expect(writes).toBeGreaterThanOrEqual(22);
    for (const id of [
      'listServices',
      'putVServer',
      'patchMonitor',
      'deleteVserverServiceBinding',
      'applyConfig',
      'exportConfig',
      'streamEvents',
      'createApiToken',
      'createAgentToken',
      'deleteAgent',
    ])
      expect(ids.has(id), id).toBe(true);
  });

  it('/docs serves the browsable UI and its document without a token', async () => {
    const prisma = createPrismaClient('postgresql://docs@127.0.0.1:9/none', { poolSize: 1 });
    const app = await buildApp({ prisma, logger: false });
    try {
      const ui = await app.inject({ method: 'GET', url: '/docs/' });
      expect(ui.statusCode).toBe(200);
      expect(ui.headers['content-type']).toContain('text/html');
      const json = await app.inject({ method: 'GET', url: '/docs/json' });
      expect(json.json()).toMatchObject({ openapi: '3.1.0', info: { title: 'Spillway control plane' } });
      expect((await app.inject({ method: 'GET', url: '/v1/services' })).statusCode).toBe(401);
    } finally {
      await app.close();
      await prisma.$disconnect();
    }
  });

  it('passes npx @redocly/cli lint', async () => {
    const bin = path.join(root, 'node_modules', '.bin', 'redocly');
    const { stdout, stderr } = await promisify(execFile)(bin, ['lint', file], {
      cwd: root,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(`${stdout}${stderr}`).toContain('Your API description is valid');
  }, 120_000);
});
