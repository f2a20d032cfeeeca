// The spillway CLI as a subprocess against the real control plane (server.ts on a test
// database): plan/apply/export round trips, If-Match refusal of a concurrent change, exit codes,
// errors with field paths, colour rules, where the URL and token come from, and every command.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ADMIN_TOKEN, freePort, startControlPlane, type ControlPlaneProc } from '../../../test/e2e/helpers.js';
import { createTestDatabase, type TestDatabase } from '../../control-plane/test/helpers/db.js';
import { ESC, collect, root, runCli, sandbox, spawnCli, spawnOnTty, stopSpawned, waitForOutput } from './helpers.js';

const EXAMPLE = path.join(root, 'examples', 'demo.yaml');
const work = sandbox();
const file = (name: string, text: string): string => {
  const p = path.join(work.cwd, name);
  writeFileSync(p, text);
  return p;
};

let db: TestDatabase;
let cp: ControlPlaneProc;
let env: Record<string, string>;
const cli = (args: string[], extra: Record<string, string | undefined> = {}, input?: string) =>
  runCli(args, { env: { ...env, ...extra }, ...(input === undefined ? {} : { input }) });

beforeAll(async () => {
  db = await createTestDatabase();
  cp = await startControlPlane(db.url);
  env = { SPILLWAY_URL: cp.url, SPILLWAY_TOKEN: ADMIN_TOKEN };
}, 90_000);

afterAll(async () => {
  stopSpawned();
  await cp?.kill('SIGKILL');
  await db?.drop();
});

/** examples/demo.yaml with demo-1's capacity 80 (and, with `dropBackup`, demo without its backup). */
const changed = (dropBackup = false): string => {
  let text = readFileSync(EXAMPLE, 'utf8').replace('port: 9101\n    protocol: http\n    capacity: 50', 'port: 9101\n    protocol: http\n    capacity: 80');
  if (dropBackup) text = text.replace('      backup: demo-overflow\n', '');
  return file(dropBackup ? 'changed-both.yaml' : 'changed.yaml', text);
};
// eslint-disable-next-line no-control-regex -- ESC starts every SGR sequence
const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('spillway plan / apply / export (in order: each step starts from the one before)', () => {
  it('applies examples/demo.yaml: plan exits 2 with changes, apply creates them, then plan is empty and exits 0', async () => {
    const first = await cli(['plan', '-f', EXAMPLE, '--detailed-exitcode']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('Plan against configuration version 0');
    expect(first.stdout).toContain('  + vserver demo (create)');
    expect(first.stdout).toContain('      + /spillover/backup: "demo-overflow"');
    expect(first.stdout).toContain('Plan: 6 to create, 0 to update, 0 to delete.');
    expect((await cli(['plan', '-f', EXAMPLE])).code).toBe(0);

    const applied = await cli(['apply', '-f', EXAMPLE, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Applied configuration version 1: 6 to create, 0 to update, 0 to delete.');
    expect(applied.stdout).toContain('No agent is connected');
    expect((await cp.get<{ services: unknown[] }>('/v1/config')).services).toHaveLength(3);

    const again = await cli(['plan', '-f', EXAMPLE, '--detailed-exitcode']);
    expect(again).toMatchObject({ code: 0, stdout: 'No changes: the control plane already has this configuration (version 1).\n' });
    // The example is the demo configuration of npm start: demo/config.json plans nothing either.
    expect((await cli(['plan', '-f', path.join(root, 'demo', 'config.json'), '--detailed-exitcode', '--prune'])).code).toBe(0);
    expect((await cli(['apply', '-f', EXAMPLE])).code).toBe(0); // nothing to confirm when nothing changes
  });

  it('export round-trips: the YAML and JSON exports are the same document and apply back with an empty plan, even with --prune', async () => {
    const [yaml, json] = await Promise.all([cli(['export']), cli(['export', '--format', 'json'])]);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/^# spillway configuration version 1, exported from http:\/\/127\.0\.0\.1:\d+\n/);
    expect(parse(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    const { version, ...exported } = await cp.get<Record<string, unknown>>('/v1/config');
    expect(version).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual(exported);
    const back = await cli(['plan', '-f', file('exported.yaml', yaml.stdout), '--prune', '--detailed-exitcode']);
    expect(back).toMatchObject({ code: 0, stdout: expect.stringContaining('No changes') });
    expect((await cli(['plan', '-f', file('exported.json', json.stdout), '--prune', '--detailed-exitcode'])).code).toBe(0);
  });

  it('plans an update field by field: each changed value with its before and after', async () => {
    const plan = await cli(['plan', '-f', changed(true), '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toBe(
      [
        'Plan against configuration version 1:',
        '',
        '  ~ service demo-1 (update)',
        '      ~ /capacity: 50 → 80',
        '  ~ vserver demo (update)',
        '      - /spillover/backup: "demo-overflow"',
        '',
        'Plan: 0 to create, 2 to update, 0 to delete.',
        '',
      ].join('\n'),
    );
    const json = await cli(['plan', '-f', changed(true), '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ dryRun: true, applied: false, version: 1, plan: { summary: { create: 0, update: 2, delete: 0 } } });
  });

  it('refuses to apply off a terminal without --yes, and changes nothing', async () => {
    const r = await cli(['apply', '-f', changed()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a terminal: nothing applied; pass --yes');
    expect(r.stderr).toContain('SPILLWAY_CLI_CONFIRMATION_REQUIRED');
    expect((await cp.get<{ capacity: number }>('/v1/services/demo-1')).capacity).toBe(50);
  });

  it('refuses the apply when the configuration changed after its plan (If-Match on the planned version): clear message, nothing applied', async () => {
    const child = spawnOnTty(['apply', '-f', changed()], { env });
    const done = collect(child, null);
    await waitForOutput(child, (o) => o.includes("Only 'yes' is accepted"));
    // Someone else writes between the plan and the confirmation.
    await cp.call('PATCH', '/v1/services/demo-3', { capacity: 25 });
    child.stdin!.write('yes\n');
    const r = await done;
    expect(r.code).toBe(1);
    expect(plain(r.stdout)).toContain(
      'the configuration changed since the plan (planned against version 1, now 2): nothing was applied; run spillway plan again',
    );
    expect(plain(r.stdout)).toContain('code SPILLWAY_API_VERSION_MISMATCH (HTTP 412)');
    expect((await cp.get<{ capacity: number }>('/v1/services/demo-1')).capacity).toBe(50);
    expect((await cp.get<{ spillover: { backup?: string } }>('/v1/vservers/demo')).spillover.backup).toBe('demo-overflow');
  });

  it('asks for confirmation on a terminal and applies on yes, in colour', async () => {
    const child = spawnOnTty(['apply', '-f', changed()], { env });
    const done = collect(child, null);
    const prompt = await waitForOutput(child, (o) => o.includes("Only 'yes' is accepted"));
    expect(prompt).toContain(`${ESC}33m  ~ service demo-1`);
    expect(prompt).toContain('Plan against configuration version 2');
    child.stdin!.write('yes\n');
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Applied configuration version 3');
    expect((await cp.get<{ capacity: number }>('/v1/services/demo-1')).capacity).toBe(80);
    expect((await cli(['plan', '-f', changed(), '--detailed-exitcode'])).code).toBe(0);
  });

  it('says no on anything but yes, and applies nothing', async () => {
    const child = spawnOnTty(['apply', '-f', EXAMPLE], { env });
    const done = collect(child, null);
    await waitForOutput(child, (o) => o.includes("Only 'yes' is accepted"));
    child.stdin!.write('y\n');
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Apply cancelled: nothing applied.');
    expect((await cp.get<{ capacity: number }>('/v1/services/demo-1')).capacity).toBe(80);
  });
});

describe('errors', () => {
  it('print the API code, message and field paths, and exit 1 (also for plan --detailed-exitcode)', async () => {
    const schema = file('bad-schema.yaml', 'vservers:\n  - name: web\n    protocol: http\n    listen: { port: 70000 }\n');
    const semantic = file('bad-ref.yaml', 'vservers:\n  - name: web\n    protocol: http\n    spillover: { backup: nowhere }\n');
    const [a, b, c] = await Promise.all([
      cli(['plan', '-f', schema, '--detailed-exitcode']),
      cli(['apply', '-f', semantic, '--yes']),
      cli(['plan', '-f', semantic, '-o', 'json']),
    ]);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain('code SPILLWAY_API_VALIDATION_FAILED (HTTP 422)');
    expect(a.stderr).toContain('  /vservers/0/listen/port: must be <= 65535');
    expect(b.code).toBe(1);
    expect(b.stderr).toContain(
      'error: web: backup nowhere does not exist\n  code SPILLWAY_UNKNOWN_REFERENCE (HTTP 422)\n  /vservers/0/spillover/backup: web: backup nowhere does not exist\n',
    );
    expect(c.code).toBe(1);
    expect(JSON.parse(c.stderr)).toEqual({
      statusCode: 422,
      code: 'SPILLWAY_UNKNOWN_REFERENCE',
      message: 'web: backup nowhere does not exist',
      details: [{ path: '/vservers/0/spillover/backup', message: 'web: backup nowhere does not exist' }],
    });
    expect((await cp.get<{ items: unknown[] }>('/v1/vservers?prefix=web')).items).toEqual([]);
  });

  it('name a bad token, an unreachable control plane, a missing object, a bad file and a bad kind', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const [token, down, missing, yaml, kind, usage] = await Promise.all([
      cli(['get', 'vservers'], { SPILLWAY_TOKEN: 'spw_not-a-token' }),
      cli(['get', 'vservers'], { SPILLWAY_URL: closed }),
      cli(['describe', 'vserver', 'nope']),
      cli(['plan', '-f', file('broken.yaml', 'vservers: [unclosed\n')]),
      cli(['get', 'widgets']),
      cli(['plan']),
    ]);
    expect(token).toMatchObject({ code: 1, stderr: expect.stringContaining('code SPILLWAY_API_UNAUTHENTICATED (HTTP 401)') });
    expect(down).toMatchObject({ code: 1, stderr: expect.stringContaining(`cannot reach the control plane at ${closed}: ECONNREFUSED`) });
    expect(missing).toMatchObject({ code: 1, stderr: 'error: no vserver named nope\n  code SPILLWAY_API_VSERVER_NOT_FOUND (HTTP 404)\n' });
    expect(yaml).toMatchObject({ code: 1, stderr: expect.stringContaining('broken.yaml is not valid YAML') });
    expect(kind).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown kind "widgets"') });
    expect(usage).toMatchObject({ code: 1, stderr: expect.stringContaining("required option '-f, --file <file>' not specified") });
  });
});

describe('colour', () => {
  it('is used on a terminal only, and never with NO_COLOR or --no-color', async () => {
    const onTty = (args: string[], extra: Record<string, string> = {}) => collect(spawnOnTty(args, { env: { ...env, ...extra } }));
    const args = ['plan', '-f', file('colour.yaml', 'monitors:\n  - name: colour-probe\n')];
    const [tty, noColor, flag, piped, ttyError, noColorError] = await Promise.all([
      onTty(args),
      onTty(args, { NO_COLOR: '1' }),
      onTty(['--no-color', ...args]),
      cli(args),
      onTty(['get', 'vserver', 'nope']),
      onTty(['get', 'vserver', 'nope'], { NO_COLOR: '1' }),
    ]);
    expect(tty.stdout).toContain(`${ESC}32m  + monitor colour-probe${ESC}39m`);
    expect(ttyError.stdout).toContain(`${ESC}31merror${ESC}39m`);
    for (const r of [noColor, flag, piped, noColorError]) expect(r.stdout + r.stderr).not.toContain(ESC);
    expect(noColor.stdout).toContain('  + monitor colour-probe (create)');
    expect(piped.stdout).toContain('  + monitor colour-probe (create)');
  });
});

describe('settings', () => {
  it('take the URL and token from flags, then SPILLWAY_URL/SPILLWAY_TOKEN, then $XDG_CONFIG_HOME/spillway/config.yaml (~/.config by default)', async () => {
    const home = sandbox().home;
    mkdirSync(path.join(home, '.config', 'spillway'), { recursive: true });
    writeFileSync(path.join(home, '.config', 'spillway', 'config.yaml'), `url: ${cp.url}\ntoken: ${ADMIN_TOKEN}\n`);
    const xdg = path.join(home, 'xdg');
    mkdirSync(path.join(xdg, 'spillway'), { recursive: true });
    writeFileSync(path.join(xdg, 'spillway', 'config.yaml'), `url: ${cp.url}\ntoken: spw_from-xdg-not-valid\n`);
    const none = { SPILLWAY_URL: undefined, SPILLWAY_TOKEN: undefined, HOME: home };
    const [fromFile, fromXdg, envWins, flagWins, noToken] = await Promise.all([
      cli(['get', 'vservers', '-o', 'json'], none),
      cli(['get', 'vservers'], { ...none, XDG_CONFIG_HOME: xdg }),
      cli(['get', 'vservers', '-o', 'json'], { ...none, XDG_CONFIG_HOME: xdg, SPILLWAY_TOKEN: ADMIN_TOKEN }),
      cli(['--token', ADMIN_TOKEN, 'get', 'vservers', '-o', 'json'], { ...none, XDG_CONFIG_HOME: xdg, SPILLWAY_TOKEN: 'spw_env-not-valid' }),
      cli(['--url', cp.url, 'get', 'vservers'], { SPILLWAY_TOKEN: undefined, SPILLWAY_URL: 'http://127.0.0.1:1', HOME: sandbox().home }),
    ]);
    for (const r of [fromFile, envWins, flagWins]) {
      expect(r.stderr).toBe('');
      expect((JSON.parse(r.stdout) as Array<{ name: string }>).map((v) => v.name)).toEqual(['demo', 'demo-overflow']);
    }
    expect(fromXdg).toMatchObject({ code: 1, stderr: expect.stringContaining('the API token is not valid') });
    expect(noToken).toMatchObject({ code: 1, stderr: expect.stringContaining('an API token is required') });
  });
});

describe('reading and operating', () => {
  it('get lists and shows objects as a table, JSON or YAML', async () => {
    const [table, one, yaml] = await Promise.all([
      cli(['get', 'vservers']),
      cli(['get', 'service', 'demo-1', '-o', 'json']),
      cli(['get', 'monitors', '-o', 'yaml']),
    ]);
    expect(table.stdout.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^NAME +PROTOCOL +LISTEN +LB +SPILLOVER +BACKUP +ACTION +SERVICES$/),
      expect.stringMatching(/^demo +http +:8080 +leastconn +dynamicconnection +demo-overflow +drop +demo-1,demo-2$/),
      expect.stringMatching(/^demo-overflow +http +backup only +roundrobin +dynamicconnection +- +drop +demo-3$/),
    ]);
    expect(JSON.parse(one.stdout)).toMatchObject({ name: 'demo-1', address: '127.0.0.1', port: 9101, capacity: 80 });
    expect(parse(yaml.stdout)).toMatchObject([{ name: 'demo-health', type: 'http', http: { path: '/healthz' } }]);
  });

  it('describe vserver says the limit and its derivation, who is spilling and the chain; status and agents tabulate', async () => {
    const [describe, status, agents] = await Promise.all([cli(['describe', 'vserver', 'demo']), cli(['status']), cli(['agents'])]);
    expect(describe.stderr).toBe('');
    const lines = describe.stdout.split('\n');
    expect(lines).toContain('Limit:       130 connections, from dynamicconnection: the sum of the capacity of its services that are UP');
    expect(lines).toContainEqual(expect.stringMatching(/^ +demo-1 +capacity 80 +UP +counted$/));
    expect(lines).toContain('Chain:       demo → demo-overflow → drop');
    expect(lines).toContain('Spilling:    no: demo has room for 130 more (0 of 130)');
    expect(status.stdout).toMatch(/^demo +UP +no +0 +130 +0 +100% +0 +0$/m);
    expect(status.stdout).toContain('Agents: 0 connected, 0 in sync');
    expect(agents).toMatchObject({ code: 0, stdout: 'No agents.\n' });
  });

  it('token create prints the secret once; the token works with its role; list shows it; revoke ends it', async () => {
    const created = await cli(['token', 'create', 'ci-reader', '--role', 'reader']);
    expect(created.code).toBe(0);
    const secret = created.stdout.trim().split('\n').at(-1)!;
    expect(secret).toMatch(/^spw_/);
    const [reads, writes, list] = await Promise.all([
      cli(['get', 'vservers'], { SPILLWAY_TOKEN: secret }),
      cli(['delete', 'vserver', 'demo-overflow'], { SPILLWAY_TOKEN: secret }),
      cli(['token', 'list']),
    ]);
    expect(reads.code).toBe(0);
    expect(writes).toMatchObject({ code: 1, stderr: expect.stringContaining('SPILLWAY_API_FORBIDDEN (HTTP 403)') });
    expect(list.stdout).toMatch(/^api +ci-reader +reader +- /m);
    const agentToken = await cli(['token', 'create', 'edge-1', '--agent']);
    expect(agentToken.stdout).toContain('agent token edge-1 for agent edge-1 created');
    expect((await cli(['token', 'revoke', 'ci-reader'])).stdout).toBe('API token ci-reader revoked\n');
    expect((await cli(['token', 'revoke', 'edge-1', '--agent'])).stdout).toBe('agent token edge-1 revoked\n');
    const serviceToken = await cli(['token', 'create', 'demo-1-push', '--service', 'demo-1']);
    expect(serviceToken.stdout).toContain('service token demo-1-push for service demo-1 created');
    expect((await cli(['token', 'revoke', 'demo-1-push', '--service'])).stdout).toBe('service token demo-1-push revoked\n');
    expect(await cli(['get', 'vservers'], { SPILLWAY_TOKEN: secret })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('SPILLWAY_API_UNAUTHENTICATED'),
    });
  });

  it("delete removes an object and refuses one still referenced, with the API's reason", async () => {
    await cp.call('PUT', '/v1/monitors/spare', { type: 'tcp' }, 201);
    const [gone, inUse] = await Promise.all([cli(['delete', 'monitor', 'spare']), cli(['delete', 'service', 'demo-3'])]);
    expect(gone).toMatchObject({ code: 0, stdout: 'monitor spare deleted\n' });
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toContain('(HTTP 409)');
    expect((await cp.get<{ name: string }>('/v1/services/demo-3')).name).toBe('demo-3');
  });

  it('events shows recent events; --follow streams a change as it happens and Ctrl-C ends it with exit 0', async () => {
    const recent = await cli(['events', '--kind', 'service.', '--limit', '2']);
    expect(recent.stdout.trim().split('\n')).toHaveLength(2);
    const child = spawnCli(['events', '--follow', '--kind', 'service.', '--limit', '1', '-o', 'json'], { env });
    const done = collect(child);
    await waitForOutput(child, (o) => o.split('\n').length >= 2);
    // Watched before the write: the stream can print its event before the PATCH's answer reaches this test.
    const streamed = waitForOutput(child, (o) => o.includes('"objectName"') || o.includes('"name":"demo-2"'));
    await cp.call('PATCH', '/v1/services/demo-2', { weight: 3 });
    const out = await streamed;
    const events = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; object: { name: string } | null });
    expect(events.at(-1)).toMatchObject({ kind: 'service.updated', object: { kind: 'service', name: 'demo-2' } });
    child.kill('SIGINT');
    expect((await done).code).toBe(0);
  });

  it('status --watch redraws until Ctrl-C, then exits 0', async () => {
    const child = spawnCli(['status', '--watch', '--interval', '0.2'], { env });
    const done = collect(child);
    await waitForOutput(child, (o) => (o.match(/^NAME +STATE/gm) ?? []).length >= 2);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^demo-overflow +UP +no/m);
  });
});
