// Fault suite (issue 10, items 8 and 10): the control plane (server.ts on a test database) is
// killed with SIGKILL and stays down DOWN_MS. A real agent keeps serving throughout: a vserver
// without a limit on its primary every time, a vserver with a global limit from its primary or
// its backup (once the agent's lease on its allocation runs out, it spills rather than admits
// on uses the control plane may have lent elsewhere), never refused. A second agent killed while
// the control plane is down is listed as disconnected once it is back (its row aged out, with an
// event), not connected forever. After the restart the first agent redials and applies a
// config change made then.
import { afterAll, describe, expect, it } from 'vitest';
import { tcpBackend, type Backend } from '../../apps/agent/test/helpers.js';
import { createTestDatabase, type TestDatabase } from '../../apps/control-plane/test/helpers/db.js';
import { agentToken, freePort, openHeld, startAgent, startControlPlane, until, type AgentProc, type ControlPlaneProc } from '../e2e/helpers.js';

/** How long the control plane stays down: the 30 s of issue 10. */
const DOWN_MS = 30_000;
/** Pause between two probe connections while it is down (bounded: DOWN_MS / PROBE_EVERY_MS probes per vserver). */
const PROBE_EVERY_MS = 100;

let db: TestDatabase | null = null;
let cp: ControlPlaneProc | null = null;
const agents: AgentProc[] = [];
const backends: Backend[] = [];

afterAll(async () => {
  await Promise.all([...agents.map((a) => a.kill()), cp?.kill()]);
  await Promise.all(backends.map((b) => b.close()));
  await db?.drop();
}, 60_000);

interface AgentView {
  id: string;
  connected: boolean;
  connectedAt: string | null;
  appliedVersion: string | null;
}

describe('control plane down', () => {
  it(
    `keeps a real agent serving for ${DOWN_MS / 1000} s without its control plane, then resyncs it; an agent killed meanwhile ages out`,
    async () => {
      const [web, spare] = await Promise.all([tcpBackend('web-1'), tcpBackend('spare')]);
      backends.push(web, spare);
      const [plainPort, cappedPort, latePort] = await Promise.all([freePort(), freePort(), freePort()]);
      db = await createTestDatabase();
      cp = await startControlPlane(db.url);
      const doc = (extra: unknown[] = []) => ({
        services: [
          { name: 'web-1', address: '127.0.0.1', port: web.port, protocol: 'tcp', capacity: 20 },
          { name: 'spare', address: '127.0.0.1', port: spare.port, protocol: 'tcp', capacity: 1000 },
        ],
        monitors: [],
        vservers: [
          { name: 'plain', protocol: 'tcp', listen: { port: plainPort }, services: [{ service: 'web-1' }], spillover: { methods: [], action: 'drop' } },
          {
            name: 'capped',
            protocol: 'tcp',
            listen: { port: cappedPort },
            services: [{ service: 'web-1' }],
            spillover: { methods: [{ type: 'dynamicconnection' }], backup: 'capped-overflow', action: 'drop' },
          },
          { name: 'capped-overflow', protocol: 'tcp', listen: null, services: [{ service: 'spare' }], spillover: { methods: [], action: 'drop' } },
          ...extra,
        ],
      });
      const v1 = String((await cp.call<{ version: number }>('PUT', '/v1/config', doc())).version);
      const [ta, tb] = [await agentToken(cp, 'edge-a'), await agentToken(cp, 'edge-b')];
      agents.push(...(await Promise.all([startAgent('edge-a', ta, cp.url, '127.0.0.6', 1), startAgent('edge-b', tb, cp.url, '127.0.0.7', 1)])));
      const [a, b] = agents as [AgentProc, AgentProc];
      await until(
        () => cp!.get<{ items: AgentView[] }>('/v1/agents'),
        (l) => l?.items.filter((x) => x.connectedAt !== null && x.appliedVersion === v1).length === 2,
        20_000,
        'both agents on the first version',
      );
      await until(
        () => a.stats(),
        (s) => s?.listeners.plain === plainPort && s.listeners.capped === cappedPort,
        15_000,
        'edge-a listening',
      );
      const before = await openHeld(a.host, plainPort);
      before.socket.destroy();
      expect(before.first).toBe('web-1');

      // Down: SIGKILL, and edge-b dies while nobody is there to see it.
      const port = cp.port;
      await cp.kill('SIGKILL');
      await b.kill('SIGKILL');
      const down = Date.now();
      const seen = { plain: new Map<string, number>(), capped: new Map<string, number>() };
      while (Date.now() - down < DOWN_MS) {
        for (const [vs, p] of [
          ['plain', plainPort],
          ['capped', cappedPort],
        ] as const) {
          const o = await openHeld(a.host, p);
          o.socket.destroy();
          seen[vs].set(o.first, (seen[vs].get(o.first) ?? 0) + 1);
        }
        await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
      }
      const downFor = Date.now() - down;
      const count = (m: Map<string, number>): number => [...m.values()].reduce((s, n) => s + n, 0);
      console.info(
        `control plane down ${downFor} ms: plain ${JSON.stringify(Object.fromEntries(seen.plain))}, capped ${JSON.stringify(Object.fromEntries(seen.capped))}`,
      );
      expect([...seen.plain.keys()]).toEqual(['web-1']);
      expect(count(seen.plain)).toBeGreaterThan(DOWN_MS / (PROBE_EVERY_MS * 10));
      expect([...seen.capped.keys()].filter((k) => k !== 'web-1' && k !== 'spare')).toEqual([]);
      expect(a.child.exitCode).toBeNull();

      // Back on the same port and database: edge-a redials, edge-b's row ages out.
      cp = await startControlPlane(db.url, port);
      await until(
        () => cp!.get<AgentView>('/v1/agents/edge-a'),
        (v) => v !== undefined && v.connected && v.connectedAt !== null,
        20_000,
        'edge-a reconnected',
      );
      const gone = await cp.get<AgentView>('/v1/agents/edge-b');
      expect(gone).toMatchObject({ connected: false, connectedAt: null });
      await until(
        () => cp!.get<{ items: Array<{ object: { name: string }; data: { reason?: string } }> }>('/v1/events?kind=agent.disconnected&order=desc&limit=20'),
        (l) => l?.items.some((e) => e.object.name === 'edge-b' && /no replica holds its session/.test(e.data.reason ?? '')) ?? false,
        10_000,
        'edge-b aged out with an event',
      ).catch((err: Error) => {
        // What the restarted control plane said of its rows and its writes (a failure in CI once showed no event at all).
        const said = cp!
          .output()
          .split('\n')
          .filter((l) => /aged out|not swept|not recorded|database write failed|agent (dis)?connected/.test(l));
        throw new Error(`${err.message}\ncontrol plane log:\n${said.slice(-30).join('\n')}`);
      });

      // A change made now reaches edge-a: it applies it and serves the new vserver.
      const v2 = String(
        (
          await cp.call<{ version: number }>(
            'PUT',
            '/v1/config',
            doc([{ name: 'late', protocol: 'tcp', listen: { port: latePort }, services: [{ service: 'spare' }], spillover: { methods: [], action: 'drop' } }]),
          )
        ).version,
      );
      await until(
        () => cp!.get<AgentView>('/v1/agents/edge-a'),
        (v) => v?.appliedVersion === v2,
        15_000,
        'edge-a applied the change',
      );
      await until(
        () => a.stats(),
        (s) => s?.listeners.late === latePort,
        10_000,
        'edge-a listening on the new vserver',
      );
      const late = await openHeld(a.host, latePort);
      late.socket.destroy();
      expect(late.first).toBe('spare');
      expect(
        await openHeld(a.host, plainPort).then((o) => {
          o.socket.destroy();
          return o.first;
        }),
      ).toBe('web-1');
    },
    DOWN_MS + 150_000,
  );
});
