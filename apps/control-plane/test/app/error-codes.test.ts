// The control plane's error codes: each defined once (errors.ts, with @fastify/error), unique,
// prefixed by the app that answers it, and spelled nowhere else in the source.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ApiErrors, HubErrors, errorCatalogue, objectNotFound } from '../../src/errors.js';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('error codes of the control plane', () => {
  it('are prefixed SPILLWAY_API_ (the REST API) or SPILLWAY_HUB_ (the agents channel), with a 4xx/5xx status each', () => {
    const codes = [...errorCatalogue()];
    expect(codes.length).toBeGreaterThan(20);
    for (const [code, status] of codes) {
      expect(code).toMatch(/^SPILLWAY_(API|HUB)_[A-Z0-9_]+$/);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThanOrEqual(599);
    }
    for (const f of Object.values(ApiErrors)) expect(f.code.startsWith('SPILLWAY_API_'), f.code).toBe(true);
    for (const f of Object.values(HubErrors)) expect(f.code.startsWith('SPILLWAY_HUB_'), f.code).toBe(true);
  });

  it('say one thing each: no route, no agent and no vserver are three codes', () => {
    const e = objectNotFound('agent', 'edge-9');
    expect(e).toMatchObject({ code: 'SPILLWAY_API_AGENT_NOT_FOUND', statusCode: 404, message: 'no agent named edge-9', details: [] });
    const notFound = new Set([ApiErrors.routeNotFound.code, e.code, objectNotFound('vserver', 'web').code]);
    expect(notFound.size).toBe(3);
  });

  it('are spelled (as strings) only in errors.ts: every other file throws through its factories', () => {
    const elsewhere: string[] = [];
    for (const file of sources(src)) {
      if (path.basename(file) === 'errors.ts' && path.dirname(file) === src) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?<=['"`])SPILLWAY_API_[A-Z0-9_]+(?=['"`])/g)) elsewhere.push(`${path.relative(src, file)}: ${m[0]}`);
      // The hub's channel codes (close reasons, protocol errors) never reuse an HTTP error's code.
      for (const m of text.matchAll(/(?<=['"`])SPILLWAY_HUB_[A-Z0-9_]+(?=['"`])/g))
        if (errorCatalogue().has(m[0])) elsewhere.push(`${path.relative(src, file)}: ${m[0]}`);
    }
    expect(elsewhere).toEqual([]);
  });
});
