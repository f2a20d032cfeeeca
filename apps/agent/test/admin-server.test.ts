// The agent's admin endpoint (issue 10, item 6): an unauthenticated POST /reload with a text/plain
// body (which any web page can send cross-site) replaced the running configuration. Now only
// GET /healthz and GET /stats are open; /reload needs the admin token, a JSON body, and the
// endpoint binds 127.0.0.1 unless configured.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../src/config.js';
import { ADMIN_TOKEN, spawnAgent, tcpBackend, tcpService, type Backend, type RunningAgent } from './helpers.js';

let echo: Backend;
let agent: RunningAgent;
let admin = '';

const doc = (vservers: string[]) => ({
  services: [tcpService('echo', echo.port, 0)],
  vservers: vservers.map((name) => ({
    name,
    protocol: 'tcp',
    listen: { port: 0, host: '127.0.0.1' },
    services: [{ service: 'echo' }],
    spillover: { methods: [], action: 'accept' },
  })),
  agent: { workers: 0 },
});

beforeAll(async () => {
  echo = await tcpBackend('echo');
  agent = await spawnAgent(doc(['a']));
  admin = `http://127.0.0.1:${agent.adminPort}`;
});
afterAll(async () => {
  await agent?.stop();
  await echo?.close();
});

const reload = (headers: Record<string, string>, body: string) => fetch(`${admin}/reload`, { method: 'POST', headers, body });
const version = async () => (await agent.stats()).agent.configVersion;

/** Whether a TCP connection to host:port opens. */
const opens = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

describe('the admin endpoint', () => {
  it('serves GET /healthz and GET /stats without a token', async () => {
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
    const stats = await fetch(`${admin}/stats`);
    expect(stats.status).toBe(200);
    expect(JSON.stringify(await stats.json())).not.toContain(ADMIN_TOKEN);
  });

  it('refuses POST /reload without the admin token, or with another one, with 401 and changes nothing', async () => {
    const before = await version();
    const body = JSON.stringify(doc(['a', 'injected']));
    for (const headers of [
      { 'content-type': 'application/json' },
      { 'content-type': 'application/json', authorization: 'Bearer wrong-token-0123456789' },
      { 'content-type': 'application/json', authorization: ADMIN_TOKEN },
    ]) {
      const res = await reload(headers, body);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.json()).toMatchObject({ statusCode: 401, code: 'SPILLWAY_AGENT_UNAUTHENTICATED' });
    }
    // What a cross-site form or fetch without preflight sends: text/plain, no credentials.
    expect((await reload({ 'content-type': 'text/plain' }, body)).status).toBe(401);
    expect(await version()).toBe(before);
    expect((await agent.stats()).listeners.injected).toBeUndefined();
  });

  it('refuses a body that is not application/json with 415, even with the token', async () => {
    const before = await version();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await reload({ authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': type }, JSON.stringify(doc(['a', 'injected'])));
      expect(res.status, type).toBe(415);
      expect(await res.json()).toMatchObject({ code: 'SPILLWAY_AGENT_UNSUPPORTED_MEDIA_TYPE' });
    }
    expect(await version()).toBe(before);
  });

  it('applies a JSON document with the token', async () => {
    const before = await version();
    const res = await reload({ authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(doc(['a', 'b'])));
    expect(res.status).toBe(200);
    expect(await version()).toBe(before + 1);
    expect((await agent.stats()).listeners.b).toBeGreaterThan(0);
  });

  it('listens on 127.0.0.1 only by default', async () => {
    expect(parseAgentConfig({}).agent.adminHost).toBe('127.0.0.1');
    expect(await opens('127.0.0.1', agent.adminPort)).toBe(true);
    expect(await opens('127.0.0.2', agent.adminPort)).toBe(false);
  });

  it('answers a request target that is no URL with 400 and keeps serving', async () => {
    // `new URL()` of this target throws: it used to reject the handler's promise (no answer; the agent died of it).
    const answer = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: agent.adminPort }, () => s.write('GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let got = '';
      const timer = setTimeout(() => {
        s.destroy();
        resolve(`no answer in 5 s: ${got}`);
      }, 5_000);
      s.on('data', (c: Buffer) => {
        got += c.toString();
      });
      s.on('error', () => {});
      s.once('close', () => {
        clearTimeout(timer);
        resolve(got);
      });
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('SPILLWAY_AGENT_BAD_REQUEST');
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
  });
});

describe('an agent without an admin token, its admin endpoint on every address', () => {
  it('refuses every POST /reload with 403, still serves GET /stats, and is reachable on another local address', async () => {
    const bare = await spawnAgent(doc(['a']), { SPILLWAY_AGENT_ADMIN_TOKEN: '', SPILLWAY_AGENT_ADMIN_HOST: '0.0.0.0' });
    try {
      const res = await fetch(`http://127.0.0.1:${bare.adminPort}/reload`, {
        method: 'POST',
        headers: { authorization: 'Bearer anything-at-all-0123456789', 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'SPILLWAY_AGENT_ADMIN_DISABLED' });
      expect((await bare.stats()).agent.configVersion).toBe(1);
      expect(await opens('127.0.0.2', bare.adminPort)).toBe(true);
    } finally {
      await bare.stop();
    }
  });

  it('takes no token too short to be a secret, and no admin host that is not an address', () => {
    expect(() => parseAgentConfig({}, { SPILLWAY_AGENT_ADMIN_TOKEN: 'short' })).toThrow(/\/agent\/adminToken/);
    expect(() => parseAgentConfig({}, { SPILLWAY_AGENT_ADMIN_HOST: 'every where' })).toThrow(/\/agent\/adminHost/);
    expect(parseAgentConfig({}, { SPILLWAY_AGENT_ADMIN_TOKEN: ADMIN_TOKEN }).agent.adminToken).toBe(ADMIN_TOKEN);
    expect(parseAgentConfig({}).agent.adminToken).toBeNull();
  });
});
