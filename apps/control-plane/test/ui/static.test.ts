// The dashboard's files at /ui: served without a token, with a CSP that allows only this origin
// and no inline code, nosniff on every file; uPlot vendored from node_modules (its two dist files
// only); nothing of /ui in the OpenAPI document; /v1 still needs a token.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { UI_DIR } from '../../src/plugins/ui.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let app: FastifyInstance;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildApp({ prisma: db.prisma, logger: false });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

describe('dashboard static files at /ui', () => {
  it('serves index.html at /ui/ without a token, with CSP self only, nosniff and no framing', async () => {
    const res = await app.inject({ method: 'GET', url: '/ui/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<script type="module" src="js/main.js"></script>');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('redirects /ui to /ui/', async () => {
    const res = await app.inject({ method: 'GET', url: '/ui' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/ui/');
  });

  it('serves every module and stylesheet with its type and the security headers', async () => {
    for (const [url, type] of [
      ['/ui/js/main.js', /javascript/],
      ['/ui/js/views/vserver.js', /javascript/],
      ['/ui/app.css', /text\/css/],
      ['/ui/favicon.svg', /image\/svg/],
    ] as const) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(type);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['content-security-policy'], url).toContain("default-src 'self'");
    }
  });

  it('vendors uPlot from node_modules: its ESM build and stylesheet, nothing else of the package', async () => {
    const js = await app.inject({ method: 'GET', url: '/ui/vendor/uPlot.esm.js' });
    expect(js.statusCode).toBe(200);
    expect(js.body).toContain('export { uPlot as default }');
    expect((await app.inject({ method: 'GET', url: '/ui/vendor/uPlot.min.css' })).statusCode).toBe(200);
    for (const url of ['/ui/vendor/uPlot.cjs.js', '/ui/vendor/../package.json', '/ui/vendor/uPlot.d.ts']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });

  it('answers 404 for a file that does not exist and never lists a directory', async () => {
    expect((await app.inject({ method: 'GET', url: '/ui/nope.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/ui/js/' })).statusCode).toBe(404);
  });

  it('has no inline script, inline style or style attribute in its files (the CSP would block them)', async () => {
    const all = await files(UI_DIR);
    expect(all.length).toBeGreaterThan(5);
    for (const f of all.filter((x) => x.endsWith('.html'))) {
      const html = await readFile(f, 'utf8');
      expect(html, f).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, f).not.toMatch(/<style/);
      expect(html, f).not.toMatch(/\sstyle=/);
      expect(html, f).not.toMatch(/\son[a-z]+=/);
    }
    for (const f of all.filter((x) => x.endsWith('.js'))) {
      const js = await readFile(f, 'utf8');
      expect(js, f).not.toMatch(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML\(|document\.write\(|\beval\(|new Function\(/);
      expect(js, f).not.toMatch(/setAttribute\(\s*['"]style/);
    }
  });

  it('leaves /ui out of the OpenAPI document and /v1 behind a token', async () => {
    const doc = app.swagger() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/ui'))).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/v1/vservers' })).statusCode).toBe(401);
  });
});
