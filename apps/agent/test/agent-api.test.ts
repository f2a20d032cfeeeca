// The in-process API the control channel will drive: createAgent (workers: 0, one engine in
// this process), applyConfig, setAllowance (the agent's share of a global limit) and stats.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAgent, type Agent } from '../src/agent.js';
import { AgentError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { openHeld, tcpBackend, tcpService, until, type Backend } from './helpers.js';

let backend: Backend;
let spare: Backend;
let agent: Agent;
const held: { destroy(): void }[] = [];

const doc = (threshold: number) => ({
  services: [tcpService('b', backend.port, 100), tcpService('spare', spare.port, 100)],
  vservers: [
    {
      name: 'v',
      protocol: 'tcp',
      listen: { port: 0, host: '127.0.0.1' },
      services: [{ service: 'b' }],
      spillover: { methods: [{ type: 'connection', threshold }], backup: 'v-backup', action: 'drop' },
    },
    { name: 'v-backup', protocol: 'tcp', listen: null, services: [{ service: 'spare' }], spillover: { methods: [], action: 'drop' } },
  ],
  agent: { workers: 0 },
});

async function landing(n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const o = await openHeld(agent.ports().v!);
    held.push(o.socket);
    out.push(o.first);
  }
  return out;
}

async function releaseAll(): Promise<void> {
  for (const s of held.splice(0)) s.destroy();
  await until(
    () => agent.stats(),
    (s) => s.vservers.v!.cx_active === 0 && s.vservers['v-backup']!.cx_active === 0,
  );
}

beforeAll(async () => {
  [backend, spare] = await Promise.all([tcpBackend('b'), tcpBackend('spare')]);
  agent = await createAgent({ config: doc(3), log: createLogger({}, 'silent') });
});

afterAll(async () => {
  await agent?.close();
  await Promise.all([backend, spare].map((b) => b?.close()));
});

it('serves in one process with workers: 0 and spills past the limit', async () => {
  expect(await landing(4)).toEqual(['b', 'b', 'b', 'spare']);
  await releaseAll();
});

it('applyConfig changes the limit live and rejects an invalid document with its code', async () => {
  expect((await agent.applyConfig(doc(1))).version).toBe(2);
  expect(await landing(2)).toEqual(['b', 'spare']);
  await releaseAll();
  await expect(agent.applyConfig({ vservers: [{ name: 'x', spillover: { action: 'redirect' } }] })).rejects.toBeInstanceOf(AgentError);
  expect((await agent.stats()).agent.configVersion).toBe(2);
});

it('setAllowance caps the vserver at the share the control plane grants, and null restores the local threshold', async () => {
  await agent.applyConfig(doc(5));
  agent.setAllowance('v', 2);
  let s = await agent.stats();
  expect(s.vservers.v!.threshold).toBe(2);
  expect(s.vservers.v!.quota!.limit).toBe(2);
  expect(await landing(3)).toEqual(['b', 'b', 'spare']);
  await releaseAll();
  agent.setAllowance('v', null);
  s = await agent.stats();
  expect(s.vservers.v!.threshold).toBe(5);
  expect(await landing(6)).toEqual(['b', 'b', 'b', 'b', 'b', 'spare']);
  await releaseAll();
});
