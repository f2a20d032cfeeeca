// The bootstrap admin token through server.ts as a real process: generated and printed once at
// the first start (and working), not again at the next; SPILLWAY_ADMIN_TOKEN is taken as is.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/db/schema-engine.js';
import { buildDist, compiled } from '../../../../test/kit/build.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

// server.ts as it ships: compiled (dist/server.js, built here: test/kit/build.ts), as its image runs it.
const build = buildDist(['apps/control-plane']);
const [node, ...serverArgs] = compiled('apps/control-plane/dist/server.js');
if (!existsSync(serverArgs.at(-1)!)) throw new Error(`tsc -b apps/control-plane built no entry:\n${build.output}`);

/** Starts server.ts, waits until ready, returns the non-JSON stdout lines and the port, then stops it. */
async function runOnce(env: Record<string, string>, use: (base: string) => Promise<void>): Promise<string[]> {
  const child = spawn(node!, serverArgs, {
    cwd: repoRoot,
    env: { ...process.env, SPILLWAY_PORT: '0', SPILLWAY_LOG_LEVEL: 'info', SPILLWAY_ADMIN_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const printed: string[] = [];
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'spillway control plane ready') resolve(entry.port as number);
      } catch {
        printed.push(line);
      }
    });
    void exit.then(() => reject(new Error('server exited before ready')));
  });
  try {
    await use(`http://127.0.0.1:${port}`);
  } finally {
    child.kill('SIGTERM');
    await exit;
  }
  return printed;
}

describe('bootstrap admin token', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('is generated and printed once at the first start, works, and is not printed again', async () => {
    let token = '';
    const first = await runOnce({ DATABASE_URL: db.url }, async (base) => {
      expect((await fetch(`${base}/v1/services`)).status).toBe(401);
    });
    token = first.map((l) => l.trim()).find((l) => l.startsWith('spw_')) ?? '';
    expect(token).toMatch(/^spw_[A-Za-z0-9_-]{43}$/);
    const second = await runOnce({ DATABASE_URL: db.url }, async (base) => {
      expect((await fetch(`${base}/v1/services`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    });
    expect(second.join('\n')).not.toContain('spw_');
  }, 90_000);

  it('takes SPILLWAY_ADMIN_TOKEN as the admin token', async () => {
    const fixed = 'spw_admin-token-from-the-environment';
    const printed = await runOnce({ DATABASE_URL: db.url, SPILLWAY_ADMIN_TOKEN: fixed }, async (base) => {
      const res = await fetch(`${base}/v1/monitors/m`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${fixed}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'tcp' }),
      });
      expect(res.status).toBe(201);
    });
    expect(printed.join('\n')).not.toContain('spw_');
  }, 90_000);
});
