// Production runs the compiled control plane: `tsc -b` output started with the command of its
// image (its Dockerfile's CMD: node --conditions=spillway-dist apps/control-plane/dist/server.js),
// no tsx anywhere; it migrates its database, serves the API, the dashboard's files and its docs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../../../../test/kit/build.js';
import { startControlPlane, type ControlPlaneProc } from '../../../../test/e2e/helpers.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const root = path.resolve(import.meta.dirname, '../../../..');
const dockerfile = readFileSync(path.join(root, 'apps', 'control-plane', 'Dockerfile'), 'utf8');
/** The command the control plane's image runs (its CMD), the one this test starts. */
const imageCmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];

let db: TestDatabase;
let cp: ControlPlaneProc;

beforeAll(async () => {
  // The build the image runs (incremental: quick when dist/ is up to date).
  const build = buildDist(['apps/control-plane']);
  expect(build.code, build.output).toBe(0);
  db = await createTestDatabase();
  expect(imageCmd[0]).toBe('node');
  cp = await startControlPlane(db.url, 0, {}, [process.execPath, ...imageCmd.slice(1)]);
}, 120_000);

afterAll(async () => {
  await cp?.kill('SIGKILL');
  await db?.drop();
});

describe('the compiled control plane (tsc -b output)', () => {
  it("is what the control plane's image builds and runs", () => {
    expect(dockerfile).toMatch(/^RUN npx tsc -b apps\/control-plane$/m);
    expect(imageCmd).toEqual(['node', '--conditions=spillway-dist', 'apps/control-plane/dist/server.js']);
  });

  it('runs from dist/ under node, without tsx', () => {
    const cmd = readFileSync(`/proc/${cp.pid}/cmdline`, 'utf8').split('\0').join(' ');
    expect(cmd).toContain(path.join('apps', 'control-plane', 'dist', 'server.js'));
    expect(cmd).not.toMatch(/tsx/);
  });

  it('is ready on its migrated database, writes and reads the API, and serves the dashboard and the docs', async () => {
    expect(await cp.get('/readyz')).toMatchObject({ status: 'ready', database: 'ok' });
    await cp.call('PUT', '/v1/services/web-1', { name: 'web-1', address: '127.0.0.1', port: 9101, protocol: 'http', capacity: 10 }, 201);
    expect(await cp.get('/v1/services/web-1')).toMatchObject({ name: 'web-1', capacity: 10, version: 1 });
    const ui = await fetch(`${cp.base}/ui/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('<html');
    expect((await fetch(`${cp.base}/docs`)).status).toBe(200);
  });
});
