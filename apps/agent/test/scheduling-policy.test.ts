// The agent's schedulingPolicy (document or SPILLWAY_AGENT_SCHEDULING_POLICY) decides how its
// workers share a listener: 'rr' (default), the primary holds the listening socket and hands
// connections round-robin; 'none', every worker holds it and the kernel picks. Proven on a real
// agent process by which processes hold the listening socket (Linux /proc).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../src/config.js';
import { WORKER_SEMI_SPACE_MIB } from '../src/worker-set.js';
import { openHeld, spawnAgent, tcpBackend, tcpService, until, type Backend, type RunningAgent } from './helpers.js';

/** The inode of the socket listening on 127.0.0.1:port, from /proc/net/tcp. */
function listeningInode(port: number): string | null {
  const want = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === want && f[3] === '0A') return f[9] ?? null;
  }
  return null;
}

/** Whether process `pid` holds the socket `inode` open. */
function holds(pid: number, inode: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

describe('the scheduling policy of an agent document', () => {
  it('is none unless the document, SPILLWAY_AGENT_SCHEDULING_POLICY or (unset) NODE_CLUSTER_SCHED_POLICY says rr, and refuses anything else with its path', () => {
    expect(parseAgentConfig({}).agent.schedulingPolicy).toBe('none');
    expect(parseAgentConfig({ agent: { schedulingPolicy: 'rr' } }).agent.schedulingPolicy).toBe('rr');
    expect(parseAgentConfig({ agent: { schedulingPolicy: 'none' } }).agent.schedulingPolicy).toBe('none');
    expect(parseAgentConfig({ agent: { schedulingPolicy: 'none' } }, { SPILLWAY_AGENT_SCHEDULING_POLICY: 'rr' }).agent.schedulingPolicy).toBe('rr');
    expect(() => parseAgentConfig({ agent: { schedulingPolicy: 'random' } })).toThrow(/\/agent\/schedulingPolicy/);
    expect(() => parseAgentConfig({}, { SPILLWAY_AGENT_SCHEDULING_POLICY: 'fair' })).toThrow(/\/agent\/schedulingPolicy/);
    // Unset, Node's own switch decides, as node:cluster would.
    expect(parseAgentConfig({}, { NODE_CLUSTER_SCHED_POLICY: 'rr' }).agent.schedulingPolicy).toBe('rr');
    expect(parseAgentConfig({}, { NODE_CLUSTER_SCHED_POLICY: 'none' }).agent.schedulingPolicy).toBe('none');
    expect(parseAgentConfig({ agent: { schedulingPolicy: 'none' } }, { NODE_CLUSTER_SCHED_POLICY: 'rr' }).agent.schedulingPolicy).toBe('none');
  });
});

describe.each(['rr', 'none'] as const)('an agent with 2 workers under scheduling policy %s', (policy) => {
  let backend: Backend;
  let agent: RunningAgent;
  beforeAll(async () => {
    backend = await tcpBackend('b1');
    agent = await spawnAgent(
      {
        services: [tcpService('b1', backend.port, 100)],
        vservers: [{ name: 'tcp', protocol: 'tcp', listen: { port: 0, host: '127.0.0.1' }, services: [{ service: 'b1' }] }],
        agent: { workers: 2, drainTimeoutMs: 500 },
      },
      { SPILLWAY_AGENT_SCHEDULING_POLICY: policy },
    );
  });
  afterAll(async () => {
    await agent?.stop();
    await backend?.close();
  });

  it(`reports ${policy}, serves connections, and the listening socket is held by ${policy === 'rr' ? 'the primary only' : 'every worker'}`, async () => {
    const stats = await until(
      () => agent.stats(),
      (s) => s.agent.engines.length === 2,
    );
    expect(stats.agent.schedulingPolicy).toBe(policy);
    const c = await openHeld(agent.ports.tcp!);
    expect(c.first).toBe('b1');
    c.socket.destroy();
    const inode = listeningInode(agent.ports.tcp!);
    expect(inode).not.toBeNull();
    const workers = stats.agent.workerPids.filter((p) => p !== stats.agent.pid);
    expect(workers).toHaveLength(2);
    const workersHolding = workers.filter((pid) => holds(pid, inode!));
    expect(workersHolding).toHaveLength(policy === 'rr' ? 0 : 2);
    if (policy === 'rr') expect(holds(stats.agent.pid, inode!)).toBe(true);
  });
});

describe('an agent with 1 worker under scheduling policy rr', () => {
  let backend: Backend;
  let agent: RunningAgent;
  beforeAll(async () => {
    backend = await tcpBackend('b1');
    agent = await spawnAgent(
      {
        services: [tcpService('b1', backend.port, 100)],
        vservers: [{ name: 'tcp', protocol: 'tcp', listen: { port: 0, host: '127.0.0.1' }, services: [{ service: 'b1' }] }],
        agent: { workers: 1, drainTimeoutMs: 500 },
      },
      { SPILLWAY_AGENT_SCHEDULING_POLICY: 'rr' },
    );
  });
  afterAll(async () => {
    await agent?.stop();
    await backend?.close();
  });

  it('lets its worker accept on the listening socket itself (none: no hand-off over IPC with nothing to distribute) and reports none', async () => {
    const stats = await agent.stats();
    expect(stats.agent.schedulingPolicy).toBe('none');
    const c = await openHeld(agent.ports.tcp!);
    expect(c.first).toBe('b1');
    c.socket.destroy();
    const inode = listeningInode(agent.ports.tcp!);
    const workers = stats.agent.workerPids.filter((p) => p !== stats.agent.pid);
    expect(workers).toHaveLength(1);
    expect(holds(workers[0]!, inode!)).toBe(true);
  });

  it(`runs its worker with a young generation of ${WORKER_SEMI_SPACE_MIB} MiB semi-spaces (fewer scavenges of a proxy's short-lived garbage)`, async () => {
    const stats = await agent.stats();
    const worker = stats.agent.workerPids.find((p) => p !== stats.agent.pid)!;
    expect(readFileSync(`/proc/${worker}/cmdline`, 'utf8').split('\0')).toContain(`--max-semi-space-size=${WORKER_SEMI_SPACE_MIB}`);
  });
});
