// The dashboard at /ui: static files (apps/control-plane/ui/, plain ES modules, no build step)
// and uPlot's dist files vendored from node_modules at /ui/vendor/. The page itself needs no
// token (it is only code); its data comes from the /v1 API with the token the user pastes.
// Every response here carries a Content-Security-Policy that allows only this origin and no
// inline script or style, and `nosniff`. Hidden from the OpenAPI document: not part of the API.
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const UI_DIR = path.resolve(import.meta.dirname, '../../ui');
const UPLOT_DIR = path.dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.esm.js'));
/** The only files of uPlot's dist folder that are served. */
const VENDORED = new Set(['/uPlot.esm.js', '/uPlot.min.css']);

export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

export default async function ui(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (_req, reply) => {
    reply.headers(UI_SECURITY_HEADERS);
    // The files change with the code: always revalidate (ETag), never serve a stale app.
    reply.header('cache-control', 'no-cache');
  });
  await app.register(fastifyStatic, {
    root: UPLOT_DIR,
    prefix: '/ui/vendor/',
    decorateReply: false,
    index: false,
    schemaHide: true,
    allowedPath: (pathName) => VENDORED.has(pathName),
  });
  await app.register(fastifyStatic, {
    root: UI_DIR,
    prefix: '/ui/',
    decorateReply: false,
    index: 'index.html',
    schemaHide: true,
    dotfiles: 'deny',
  });
  // Relative URLs of the page (js/main.js) need the trailing slash.
  app.get('/ui', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/', 301));
}
