// A monitor whose request cannot be sent (a path with a space, a Host with CR/LF) used to throw
// inside the probe; the rejection was unhandled and killed the agent, which crash-looped on the
// same config (issue 10, item 2). Now the document is refused with the field path, and a probe
// that throws anyway is a failed try: logged, counted, DOWN after `fall`, probing goes on.
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDocument, parseAgentConfig, type AgentConfig } from '../src/config.js';
import { AgentError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { probeHttp } from '../src/monitor-http.js';
import { Monitors } from '../src/monitors.js';
import { until } from './helpers.js';

let server: http.Server;
let port = 0;
beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const docWith = (http: Record<string, unknown>, spillover: Record<string, unknown> = { action: 'accept' }) => ({
  monitors: [{ name: 'm', type: 'http', intervalMs: 20, timeoutMs: 10, fall: 2, rise: 1, http }],
  services: [{ name: 's', address: '127.0.0.1', port, protocol: 'http', monitors: [{ monitor: 'm' }] }],
  vservers: [{ name: 'v', protocol: 'http', listen: null, services: [{ service: 's' }], spillover }],
  agent: { workers: 0 },
});

describe('an http probe', () => {
  it('answers a failed try (not a rejection) when its path or Host header cannot be sent', async () => {
    for (const spec of [{ path: '/health check' }, { path: '/h\r\nX-Injected: 1' }, { hostHeader: 'evil\r\nX-Injected: 1' }]) {
      const r = await probeHttp({ tls: false, host: '127.0.0.1', port, timeoutMs: 500, ...spec });
      expect(r.ok, JSON.stringify(spec)).toBe(false);
      expect(r.reason).toMatch(/^request not sent: ERR_/);
    }
    expect((await probeHttp({ tls: false, host: '127.0.0.1', port, timeoutMs: 500, path: '/healthz' })).ok).toBe(true);
  });
});

describe('the monitors of an agent', () => {
  it('count a probe that throws, mark the service DOWN after fall tries and keep probing', async () => {
    // Bypasses the document checks, as a config from an older or foreign writer would.
    const good = parseAgentConfig(docWith({ path: '/healthz' }));
    const config: AgentConfig = { ...good, monitors: good.monitors.map((m) => ({ ...m, http: { ...m.http, path: '/health check' } })) };
    const changes: Array<Record<string, boolean>> = [];
    const monitors = new Monitors(createLogger({}, 'silent'), (c) => changes.push(c));
    const doc = new AgentDocument(good.agent);
    try {
      monitors.apply(doc, doc.apply(doc.diff(config)));
      await until(
        async () => monitors.view().s!,
        (v) => v.state === 'DOWN' && (v.monitors[0]?.errors ?? 0) >= 3,
        5_000,
        10,
      );
      expect(changes).toContainEqual({ s: false });
      expect(monitors.errors).toBeGreaterThanOrEqual(3);
      expect(monitors.view().s!.monitors[0]!.reason).toMatch(/request not sent|probe error/);
      // A fixed document brings the service back: the monitors were never stuck.
      monitors.apply(doc, doc.apply(doc.diff(good)));
      await until(
        async () => monitors.view().s!.state,
        (s) => s === 'UP',
        5_000,
        10,
      );
    } finally {
      monitors.stop();
    }
  });
});

describe('an agent document', () => {
  it('is refused with the field path of every probe path, Host header and redirect URL that cannot go on the wire', () => {
    const doc = docWith({ path: '/health check', host: 'a\r\nb' }, { action: 'redirect', redirectUrl: 'https://x/\u0001' });
    (doc.vservers[0] as Record<string, unknown>).listen = { port: 0, host: '127.0.0.1' };
    let err: unknown;
    try {
      parseAgentConfig(doc);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AgentError);
    expect((err as AgentError).code).toBe('SPILLWAY_AGENT_CONFIG_INVALID');
    expect((err as AgentError).details.map((d) => d.path).sort()).toEqual([
      '/monitors/0/http/host',
      '/monitors/0/http/path',
      '/vservers/0/spillover/redirectUrl',
    ]);
    expect(() => parseAgentConfig(docWith({ path: '/status?full=1', host: 'web.example:8080' }))).not.toThrow();
  });
});
