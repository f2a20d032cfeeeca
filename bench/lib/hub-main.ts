// The control plane's agent hub (the real plugin of apps/control-plane) in its own process, without
// the REST API and Postgres: the hub-only baseline of the benchmarks, and the hub the spillover and
// convergence benchmarks' managed agents dial. Any token
// `tok-<name>` authenticates agent <name>. Bench-only routes: POST /bench/config {version, config}
// serves a snapshot and answers once every connected agent ACKed it, with the time that took;
// GET /bench/events?since=N lists hub events with their time (ms, this process's clock); GET
// /bench/quota?vserver=V the quota view of V.
// argv[2]: {"heartbeatMs":1000}. Prints {"ready":true,"port":N}.
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import type { HubEvent } from '../../apps/control-plane/src/agent-hub/hub.js';
import agentHub from '../../apps/control-plane/src/agent-hub/plugin.js';
import type { ConfigDocument } from '@spillway/protocol';

const opts = JSON.parse(process.argv[2] ?? '{}') as { heartbeatMs?: number };
const app = Fastify({ logger: false, bodyLimit: 256 * 1024 * 1024 });
await app.register(agentHub, {
  authenticate: (t) => (t.startsWith('tok-') ? t.slice(4) : null),
  heartbeatMs: opts.heartbeatMs ?? 1_000,
});
const hub = app.agentHub;
const events: (HubEvent & { t: number })[] = [];
hub.on('event', (e: HubEvent) => events.push({ ...e, t: performance.now() }));

app.post('/bench/config', async (req) => {
  const { version, config, timeoutMs = 30_000 } = req.body as { version: string; config: ConfigDocument; timeoutMs?: number };
  const agents = hub
    .agents()
    .filter((a) => a.connected)
    .map((a) => a.name);
  const waiting = new Set(agents);
  const start = performance.now();
  const acked = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      hub.off('event', on);
      reject(new Error(`not ACKed in ${timeoutMs} ms by ${[...waiting].join(', ')}`));
    }, timeoutMs);
    const on = (e: HubEvent): void => {
      if (e.kind === 'config.applied' && e.version === version) waiting.delete(e.agent);
      if (e.kind === 'config.rejected' && e.version === version) {
        clearTimeout(timer);
        hub.off('event', on);
        reject(new Error(`${e.agent} rejected ${version}: ${e.message}`));
      }
      if (waiting.size === 0) {
        clearTimeout(timer);
        hub.off('event', on);
        resolve();
      }
    };
    hub.on('event', on);
    if (waiting.size === 0) on({ kind: 'quota.rebalanced', vserver: null, reason: 'none' });
  });
  hub.setConfig({ version, config });
  await acked;
  return { agents: agents.length, ms: performance.now() - start };
});

// GET /bench/quota?vserver=web: the hub's quota view of a vserver (null without a pool).
app.get('/bench/quota', async (req) => hub.quotaView((req.query as { vserver?: string }).vserver ?? '') ?? { limit: null });

app.get('/bench/events', async (req) => {
  const since = Number((req.query as { since?: string }).since ?? 0);
  return { now: performance.now(), events: events.filter((e) => e.t >= since) };
});

await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ ready: true, port: (app.server.address() as AddressInfo).port })}\n`);
process.on('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error('agent hub: close failed', err);
      process.exit(1);
    },
  );
});
