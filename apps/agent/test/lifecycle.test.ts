// Surge queue, /stats counters, reload without dropping connections, drain on SIGTERM and
// validation of the config file, against a real agent process.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepts, openHeld, spawnAgent, tcpBackend, tcpService, until, type Backend, type RunningAgent } from './helpers.js';

let echo: Backend;
let agent: RunningAgent;

const baseDoc = () => ({
  services: [tcpService('echo', echo.port, 2)],
  vservers: [
    {
      name: 'queued',
      protocol: 'tcp',
      listen: { port: 0, host: '127.0.0.1' },
      services: [{ service: 'echo' }],
      spillover: { methods: [], action: 'accept' },
      surgeQueue: { length: 2, timeoutMs: 1500 },
    },
    { name: 'counted', protocol: 'tcp', listen: { port: 0, host: '127.0.0.1' }, services: [{ service: 'echo' }], spillover: { methods: [], action: 'accept' } },
  ],
  agent: { workers: 1, drainTimeoutMs: 3000 },
});

beforeAll(async () => {
  echo = await tcpBackend('echo');
  agent = await spawnAgent(baseDoc());
});

afterAll(async () => {
  await agent?.stop();
  await echo?.close();
});

function firstLine(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    socket.on('data', (c: Buffer) => {
      buf += c.toString();
      const i = buf.indexOf('\n');
      if (i >= 0) resolve(buf.slice(0, i));
    });
    socket.once('close', () => resolve('closed'));
  });
}

describe('surge queue', () => {
  it('queues connections while every service is at capacity, admits them in order, and closes those past the timeout or the length', async () => {
    const a = await openHeld(agent.ports.queued!);
    const b = await openHeld(agent.ports.queued!);
    expect([a.first, b.first]).toEqual(['echo', 'echo']);
    const { connect } = await import('node:net');
    const third = connect({ port: agent.ports.queued!, host: '127.0.0.1' });
    const thirdLine = firstLine(third);
    await until(
      () => agent.stats(),
      (s) => s.vservers.queued!.surge_queue_len === 1,
    );
    const fourth = connect({ port: agent.ports.queued!, host: '127.0.0.1' });
    const fourthLine = firstLine(fourth);
    await until(
      () => agent.stats(),
      (s) => s.vservers.queued!.surge_queue_len === 2,
    );
    const fifth = await openHeld(agent.ports.queued!); // the queue is full
    expect(fifth.first).toBe('closed');

    a.socket.destroy(); // one slot frees: the oldest waiter gets it
    expect(await thirdLine).toBe('echo');
    expect(await fourthLine).toBe('closed'); // nobody leaves in time: past its 1.5 s timeout
    const s = await agent.stats();
    expect(s.vservers.queued!.surge_queue_len).toBe(0);
    expect(s.vservers.queued!.surge_queue_total).toBe(2);
    expect(s.vservers.queued!.surge_queue_timeouts_total).toBe(1);
    expect(s.vservers.queued!.surge_queue_overflow_total).toBe(1);
    b.socket.destroy();
    third.destroy();
    fourth.destroy();
    await until(
      () => agent.stats(),
      (x) => x.services.echo!.cx_active === 0,
    );
  });
});

describe('/stats', () => {
  it('counts connections and bytes in both directions per vserver and per service, with rates', async () => {
    const before = await agent.stats();
    const c = await openHeld(agent.ports.counted!);
    const payload = 'p'.repeat(10_000);
    const echoed = new Promise<void>((resolve) => {
      let n = 0;
      c.socket.on('data', (d: Buffer) => {
        n += d.length;
        if (n >= payload.length) resolve();
      });
    });
    c.socket.write(payload);
    await echoed;
    let s = await agent.stats();
    expect(s.vservers.counted!.cx_active).toBe(1);
    expect(s.vservers.counted!.cx_total - (before.vservers.counted?.cx_total ?? 0)).toBe(1);
    expect(s.vservers.counted!.rx_bytes_total).toBe(10_000);
    expect(s.vservers.counted!.tx_bytes_total).toBe(10_000 + 'echo\n'.length);
    expect(s.services.echo!.tx_bytes_total).toBeGreaterThanOrEqual(10_000);
    expect(s.services.echo!.state).toBe('UP');
    s = await until(
      () => agent.stats(),
      (x) => x.vservers.counted!.rx_bytes_rate > 0,
      5_000,
      200,
    );
    expect(s.vservers.counted!.cx_rate).toBeGreaterThan(0);
    c.socket.destroy();
    s = await until(
      () => agent.stats(),
      (x) => x.vservers.counted!.cx_active === 0,
    );
    expect(Object.keys(s.vservers.counted!)).toEqual(
      expect.arrayContaining(['cx_active', 'cx_total', 'spillovers_total', 'rx_bytes_total', 'tx_bytes_total', 'surge_queue_len']),
    );
  });
});

describe('reload', () => {
  it('applies a new document without dropping an established connection; a removed vserver drains', async () => {
    const held = await openHeld(agent.ports.counted!);
    const oldPort = agent.ports.counted!;
    const doc = baseDoc();
    doc.vservers = doc.vservers.filter((v) => v.name !== 'counted');
    doc.vservers.push({
      name: 'fresh',
      protocol: 'tcp',
      listen: { port: 0, host: '127.0.0.1' },
      services: [{ service: 'echo' }],
      spillover: { methods: [], action: 'accept' },
    });
    const res = await agent.reload(doc);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { version: number }).version).toBe(2);
    const s = await agent.stats();
    expect(s.listeners.fresh).toBeGreaterThan(0);
    expect(s.listeners.counted).toBeUndefined();

    const reply = new Promise<string>((resolve) => held.socket.once('data', (d: Buffer) => resolve(d.toString())));
    held.socket.write('still here');
    expect(await reply).toBe('still here');
    expect((await openHeld(oldPort)).first).toBe('closed');
    const fresh = await openHeld(s.listeners.fresh!);
    expect(fresh.first).toBe('echo');
    fresh.socket.destroy();
    held.socket.destroy();
  });

  it('rejects an invalid document with 422 and keeps running the previous one', async () => {
    const res = await agent.reload({ vservers: [{ name: 'x', protocol: 'tcp', listen: { port: 1 }, spillover: { backup: 'nowhere' } }] });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { code: string; details: { path: string }[] };
    expect(body.code).toBe('SPILLWAY_AGENT_CONFIG_INVALID');
    expect(body.details.map((d) => d.path)).toContain('/vservers/0/spillover/backup');
    expect((await agent.stats()).agent.configVersion).toBe(2);
  });

  it('reloads the config file on SIGHUP', async () => {
    writeFileSync(agent.configPath, JSON.stringify(baseDoc()));
    process.kill((await agent.stats()).agent.pid, 'SIGHUP'); // the agent itself, not the tsx wrapper
    const s = await until(
      () => agent.stats(),
      (x) => x.agent.configVersion === 3,
    );
    expect(s.listeners.counted).toBeGreaterThan(0);
  });
});

describe('shutdown and validation', () => {
  it('drains an established connection on SIGTERM and exits 0', async () => {
    const other = await spawnAgent(baseDoc());
    const held = await openHeld(other.ports.counted!);
    const exited = other.stop('SIGTERM');
    // Draining has begun once the listener refuses new connections.
    await until(
      () => accepts(other.ports.counted!),
      (up) => !up,
      10_000,
    );
    const reply = new Promise<string>((resolve) => held.socket.once('data', (d: Buffer) => resolve(d.toString())));
    held.socket.write('during drain');
    expect(await reply).toBe('during drain');
    held.socket.end();
    expect(await exited).toBe(0);
  });

  it('refuses an invalid config file with a clear message and a non-zero exit', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spillway-bad-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ services: [{ name: 's', address: '127.0.0.1', port: 'x' }], vservers: [] }));
    const root = path.resolve(import.meta.dirname, '../../..');
    const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['apps/agent/src/main.ts', '--config', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).not.toBe(0);
    expect(err).toContain('/services/0/port must be a port number');
  });
});
