// A Fastify app with only the agent hub on a real port, and fixtures of config documents.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { SimulatedAgent, type ConfigDocument, type SimulatedAgentOptions } from '@spillway/protocol';
import { untilTruthy } from '../../../../test/kit/until.js';
import { agentHub, type AgentHubPluginOptions } from '../../src/agent-hub/index.js';

export const TOKENS: Record<string, string> = { 'token-a': 'agent-a', 'token-b': 'agent-b', 'token-c': 'agent-c' };

export interface HubServer {
  app: FastifyInstance;
  url: string;
  base: string;
  close(): Promise<void>;
}

export async function startHub(opts: Partial<AgentHubPluginOptions> = {}): Promise<HubServer> {
  const app = Fastify({ logger: false });
  await app.register(agentHub, { authenticate: (t) => TOKENS[t] ?? null, heartbeatMs: 100, leaseMissedHeartbeats: 3, ...opts });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return { app, url: `ws://127.0.0.1:${port}/v1/agents/connect`, base: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A test file's hub and simulated agents, stopped after each test (hubTest()). */
export interface HubTest {
  /** Starts the test's hub (closed after the test). */
  start(opts?: Partial<AgentHubPluginOptions>): Promise<HubServer>;
  /**
   * Connects a simulated agent to the test's hub, crashed after the test. Its token is
   * `token-<the name's last letter>` (TOKENS) unless given.
   */
  agent(name: string, extra?: Partial<SimulatedAgentOptions>): Promise<SimulatedAgent>;
  /** The agents still connected by agent() (or pushed here), in order: one crashed by the test is taken out first. */
  readonly agents: SimulatedAgent[];
}

/** Registers an afterEach that crashes every agent of the test and closes its hub; call once per file. */
export function hubTest(): HubTest {
  const agents: SimulatedAgent[] = [];
  let hub: HubServer | null = null;
  afterEach(async () => {
    for (const a of agents.splice(0)) a.crash();
    await hub?.close();
    hub = null;
  });
  return {
    agents,
    async start(opts = {}) {
      hub = await startHub(opts);
      return hub;
    },
    async agent(name, extra = {}) {
      if (!hub) throw new Error('hubTest: agent() before start()');
      const a = await SimulatedAgent.start({ url: hub.url, token: `token-${name.slice(-1)}`, name, ...extra });
      agents.push(a);
      return a;
    },
  };
}

/** A TCP service on 127.0.0.1:9000 of `capacity`, enabled, without monitors (the document's fixture of scale and log tests). */
export function tcpService(name: string, capacity: number): ConfigDocument['services'][number] {
  return { name, address: '127.0.0.1', port: 9000, protocol: 'tcp', capacity, weight: 1, state: 'enabled', monitors: [] };
}

/** Two services of capacity 50 behind one vserver with a dynamic threshold (limit 100 when both are UP). */
export function webConfig(extra: { threshold?: number } = {}): ConfigDocument {
  return {
    services: [
      { name: 'web-1', address: '127.0.0.1', port: 9001, protocol: 'tcp', capacity: 50, weight: 1, state: 'enabled', monitors: [] },
      { name: 'web-2', address: '127.0.0.1', port: 9002, protocol: 'tcp', capacity: 50, weight: 1, state: 'enabled', monitors: [] },
    ],
    monitors: [],
    vservers: [
      {
        name: 'web',
        protocol: 'tcp',
        listen: { port: 0 },
        lbMethod: 'roundrobin',
        services: [{ service: 'web-1' }, { service: 'web-2' }],
        spillover: {
          methods: extra.threshold === undefined ? [{ type: 'dynamicconnection' }] : [{ type: 'connection', threshold: extra.threshold }],
          combine: 'any',
          action: 'drop',
        },
      },
    ],
  };
}

/** Polls `fn` (sync or async) every 10 ms until it returns a truthy value, and returns it. */
export function until<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  return untilTruthy(fn, { timeoutMs, stepMs: 10, what });
}
