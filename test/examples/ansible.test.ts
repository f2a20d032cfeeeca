// examples/ansible/playbook.yml with Debian's ansible-core against the control plane as it
// ships (server.ts on a test database): --check reports the drift and writes nothing, a run
// converges to examples/demo.yaml, a second run and a second --check change nothing, a change
// made behind its back is reported by --check and put back by a run. Skips where
// ansible-playbook is not installed (.ci/run installs ansible-core as root).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ADMIN_TOKEN, startControlPlane, type ControlPlaneProc } from '../e2e/helpers.js';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';

const root = path.resolve(import.meta.dirname, '../..');
const PLAYBOOK = path.join(root, 'examples', 'ansible', 'playbook.yml');
const hasAnsible = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).status === 0;

let db: TestDatabase;
let cp: ControlPlaneProc;

interface Run {
  code: number | null;
  out: string;
  changed: number;
  failed: number;
}

function playbook(...args: string[]): Promise<Run> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'spillway-ansible-'));
  const child = spawn('ansible-playbook', ['-i', 'localhost,', '-e', 'ansible_python_interpreter=/usr/bin/python3', PLAYBOOK, ...args], {
    cwd: home,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      LANG: 'C.UTF-8',
      ANSIBLE_HOME: home,
      ANSIBLE_LOCAL_TEMP: path.join(home, 'tmp'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_LOCALHOST_WARNING: 'false',
      ANSIBLE_RETRY_FILES_ENABLED: 'false',
      // Each module piped to one python on stdin instead of a temp file, chmod, run and rm (a third
      // less CPU per run; the suite is CPU-bound): a transport setting, the playbook is the same.
      ANSIBLE_PIPELINING: 'true',
      SPILLWAY_URL: cp.url,
      SPILLWAY_TOKEN: ADMIN_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const recap = /localhost\s+: ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/.exec(out);
      resolve({ code, out, changed: Number(recap?.[1] ?? -1), failed: Number(recap?.[2] ?? -1) });
    }),
  );
}

/** The plan of applying examples/demo.yaml now (the server's dry run): empty when converged. */
async function drift(): Promise<unknown[]> {
  const doc = parse(readFileSync(path.join(root, 'examples', 'demo.yaml'), 'utf8')) as unknown;
  return (await cp.call<{ plan: { changes: unknown[] } }>('PUT', '/v1/config?dryRun=true', doc)).plan.changes;
}

describe.skipIf(!hasAnsible)('examples/ansible/playbook.yml', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    cp = await startControlPlane(db.url);
  }, 90_000);

  afterAll(async () => {
    await cp?.kill('SIGKILL');
    await db?.drop();
  });

  it('--check reports every object as drift and writes nothing; a run converges; a second run changes nothing', async () => {
    const check = await playbook('--check');
    expect(check.failed, check.out).toBe(0);
    expect(check.changed).toBe(6);
    expect(check.out).toContain('"msg": "would create it"');
    expect(await cp.get<{ version: number }>('/v1/config')).toMatchObject({ version: 0, services: [], vservers: [] });

    const run = await playbook();
    expect(run.failed, run.out).toBe(0);
    expect(run.changed).toBe(6);
    expect(await drift()).toEqual([]);

    const again = await playbook();
    expect(again.failed, again.out).toBe(0);
    expect(again.changed).toBe(0);
  }, 180_000);

  it('a change made behind its back: --check names the field and leaves it, a run puts it back with If-Match', async () => {
    await cp.call('PATCH', '/v1/services/demo-2', { capacity: 99 });
    const check = await playbook('--check');
    expect(check.changed).toBe(1);
    expect(check.out).toMatch(/TASK \[Drift of services\/demo-2\][^\n]*\nchanged: \[localhost\] => \{\n\s+"msg": "would update capacity"/);
    expect((await cp.get<{ capacity: number }>('/v1/services/demo-2')).capacity).toBe(99);
    const run = await playbook();
    expect(run.failed, run.out).toBe(0);
    expect(run.changed).toBe(1);
    expect((await cp.get<{ capacity: number }>('/v1/services/demo-2')).capacity).toBe(50);
    const events = await cp.get<{ items: Array<{ kind: string; actor: string; object: { name: string } | null }> }>(
      '/v1/events?kind=service.updated&order=desc&limit=1',
    );
    expect(events.items[0]).toMatchObject({ kind: 'service.updated', actor: 'token:bootstrap', object: { name: 'demo-2' } });
  }, 120_000);
});

it.skipIf(hasAnsible)('skipped: ansible-playbook is not installed (Debian package ansible-core; .ci/run installs it as root)', () => {
  expect(hasAnsible).toBe(false);
});
