// The agent hub wired into the control plane: agent tokens checked against the AgentToken table,
// every committed config version served to the agents, hub events appended to the Event table
// (so /v1/events and its stream show them), agents kept in the Agent table (GET /v1/agents
// survives restarts and shows agents connected to other replicas), and replicas on one Postgres
// told of config changes with LISTEN/NOTIFY. Registered after the REST API (needs configStore).
//
// Agent rows: each replica heartbeats the rows of the sessions it holds (status connected,
// lastHeartbeatAt = now, every persistMs, a third of the lease by default); a connected row whose
// heartbeat is older than the lease (plus one heartbeat period, the write in flight) belongs to
// no live session (its replica died, or the agent died while no replica was up): every replica's
// sweep, and each start, marks it disconnected with an agent.disconnected event, and GET
// /v1/agents lists it as disconnected at once. Writes to the database (rows, events, leases)
// never throw out of the hub: they are logged, and retried while the database is unavailable.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Changes, ConfigDocument } from '@spillway/protocol';
import type { NDocument } from '../services/normalize.js';
import { insertEvents } from '../services/config-store.js';
import type { AgentHubOptions, HubEvent } from './hub.js';
import { requireAuth } from '../plugins/auth.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import agentHub, { type StoredAgent } from './plugin.js';
import { REPLICA_CHANNEL, ReplicaChannel, type ReplicaMessage } from './replica-channel.js';
import { ReplicaQuota } from './replica-quota.js';
import { PrismaSelectionStore } from './selection-store.js';

export interface ControlPlaneHubOptions extends Omit<AgentHubOptions, 'log'> {
  /** Postgres URL for LISTEN/NOTIFY between replicas; without it this process is the only replica. */
  databaseUrl?: string | null;
  /** How often the rows of this replica's sessions are heartbeated in the Agent table (default: a third of the lease). */
  persistMs?: number;
}

/** Hub events kept for the next try while the database is unavailable (the oldest go first past it). */
const MAX_PENDING_EVENTS = 10_000;
const EVENT_RETRY_MS = 1_000;
/** How long one read of the Agent table serves GET /v1/agents (rows this replica holds are live anyway). */
const DIRECTORY_CACHE_MS = 100;
/** The versions agents ACKed are written to their rows at most this long after the ACK, all in one statement. */
const APPLIED_FLUSH_MS = 50;

/**
 * Hub timing from the environment: SPILLWAY_HEARTBEAT_MS (default 1000) and
 * SPILLWAY_LEASE_MISSED_HEARTBEATS (default 3): a silent agent's quota returns after that many;
 * SPILLWAY_SPILL_HOLD_MS (default 10000): a vserver's spillover episode stops (its
 * vserver.spillover_stopped event) once its agents' reports showed no spill for that long;
 * SPILLWAY_SITE_PEER_TOKENS: a JSON object of bearer tokens by site, for polling the site peers'
 * control planes (docs/SITES.md); SPILLWAY_SERVICE_CAPACITY_POOLS (true/false, default false): each
 * service's capacity held across agents (service-capacity.ts says why it is off by default).
 */
export function hubOptionsFromEnv(env: NodeJS.ProcessEnv): Omit<ControlPlaneHubOptions, 'databaseUrl'> {
  const int = (k: string, min: number): number | undefined => {
    const v = env[k];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${k} must be an integer >= ${min} (got ${JSON.stringify(v)})`);
    return n;
  };
  const heartbeatMs = int('SPILLWAY_HEARTBEAT_MS', 10);
  const leaseMissedHeartbeats = int('SPILLWAY_LEASE_MISSED_HEARTBEATS', 1);
  const spillHoldMs = int('SPILLWAY_SPILL_HOLD_MS', 1);
  const pools = env.SPILLWAY_SERVICE_CAPACITY_POOLS;
  if (pools !== undefined && pools !== '' && pools !== 'true' && pools !== 'false')
    throw new Error(`SPILLWAY_SERVICE_CAPACITY_POOLS must be true or false (got ${JSON.stringify(pools)})`);
  const peers = env.SPILLWAY_SITE_PEER_TOKENS;
  let sitePeerTokens: Record<string, string> | undefined;
  if (peers !== undefined && peers !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(peers);
    } catch {
      parsed = null;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((t) => typeof t !== 'string'))
      throw new Error('SPILLWAY_SITE_PEER_TOKENS must be a JSON object of tokens by site name');
    sitePeerTokens = parsed as Record<string, string>;
  }
  return {
    ...(sitePeerTokens ? { sitePeerTokens } : {}),
    ...(heartbeatMs === undefined ? {} : { heartbeatMs }),
    ...(leaseMissedHeartbeats === undefined ? {} : { leaseMissedHeartbeats }),
    ...(spillHoldMs === undefined ? {} : { spillHoldMs }),
    ...(pools === 'true' ? { serviceCapacity: true } : {}),
  };
}

/** What agents serve: the normalized document, as is (the wire's ConfigDocument is the contract's NDocument). */
export function agentDocument(doc: NDocument): ConfigDocument {
  return { services: doc.services, monitors: doc.monitors, vservers: doc.vservers };
}

/** The Event row of a hub event: who (`agent:<name>` or `system`), what, about which object. */
export function eventRow(e: HubEvent): {
  actor: string;
  kind: string;
  objectKind: string;
  objectName: string;
  data: Record<string, string | number | boolean | null | string[]>;
} {
  const { kind, ...data } = e;
  switch (e.kind) {
    case 'service.state_changed':
      return { actor: `agent:${e.agent}`, kind, objectKind: 'service', objectName: e.service, data };
    case 'service.feedback':
    case 'service.maintenance_started':
    case 'service.migrations':
    case 'service.maintenance_completed':
      return { actor: 'system', kind, objectKind: 'service', objectName: e.service, data };
    case 'threshold.changed':
    case 'vserver.spillover_started':
    case 'vserver.spillover_stopped':
      return { actor: 'system', kind, objectKind: 'vserver', objectName: e.vserver, data };
    case 'quota.rebalanced':
      return { actor: 'system', kind, objectKind: e.vserver === null ? 'quota' : 'vserver', objectName: e.vserver ?? '*', data };
    default:
      return { actor: `agent:${e.agent}`, kind, objectKind: 'agent', objectName: e.agent, data };
  }
}

async function controlPlaneHub(app: FastifyInstance, opts: ControlPlaneHubOptions): Promise<void> {
  const { databaseUrl, persistMs: persistOpt, ...hubOpts } = opts;
  const store = app.configStore;
  const db = app.prisma;

  // The Agent table read at most once per DIRECTORY_CACHE_MS for all the requests that need it (a
  // query per GET /v1/agents capped the route near a thousand a second); whether a row is
  // connected is judged at each read. Agent tokens or agents changed: read again at once.
  let rowsRead: { at: number; rows: Promise<Array<Omit<StoredAgent, 'connected'> & { status: string }>> } | null = null;
  const directory = async (): Promise<StoredAgent[]> => {
    if (!rowsRead || Date.now() - rowsRead.at > DIRECTORY_CACHE_MS) {
      const read = { at: Date.now(), rows: db.agent.findMany({ orderBy: { name: 'asc' } }) };
      rowsRead = read;
      read.rows.catch(() => {
        if (rowsRead === read) rowsRead = null;
      });
    }
    const rows = await rowsRead.rows;
    const now = Date.now();
    // Connected only while some replica heartbeats it (a row left behind ages out at once here).
    return rows.map((r) => ({
      name: r.name,
      workers: r.workers,
      appliedVersion: r.appliedVersion,
      lastHeartbeatAt: r.lastHeartbeatAt,
      connected: r.status === 'connected' && r.lastHeartbeatAt !== null && now - r.lastHeartbeatAt.getTime() <= rowLeaseMs,
    }));
  };
  let rowLeaseMs = 0;
  // The service manager's global persistence table, in Postgres (docs/SERVICE-MANAGER.md).
  const selections = new PrismaSelectionStore(db, app.log);
  await app.register(agentHub, {
    ...hubOpts,
    selectionStore: selections,
    budgeted: true,
    authenticate: (t) => app.tokenStore.authenticateAgent(t),
    directory,
    requireAuth,
    failures: app.authFailures,
  });
  const hub = app.agentHub;
  const log = app.log;
  const leaseMs = hub.heartbeatMs * hub.leaseMissedHeartbeats;
  const persistMs = persistOpt ?? Math.max(10, Math.floor(leaseMs / 3));
  rowLeaseMs = leaseMs + persistMs;

  let served = 0;
  const serve = (version: number, doc: NDocument, made?: { base?: number; changes?: Changes | null }): void => {
    if (version <= served) return;
    try {
      // The store's own change set when it was made on the version served here (else the hub diffs).
      hub.setConfig({ version: String(version), config: agentDocument(doc) }, made?.base === served ? made.changes : null);
      // The sites section stays with the hub (agents get its outcome: site-weights).
      hub.sites.setSites(doc.sites ?? []);
      served = version;
    } catch (err) {
      log.error({ err, version }, 'config version not served to agents');
    }
  };
  const resync = async (): Promise<void> => {
    const s = await store.snapshot();
    if (s.version > 0) serve(s.version, s.doc);
  };

  // Agent tokens deleted or rebound, agents deleted (here or on another replica): the sessions
  // they took the credential from are closed and their quota returned.
  const credentialsChanged = (agents: string[] | null, deleted: boolean): void => {
    if (deleted && agents) for (const a of agents) hub.forget(a);
    else hub.revalidate(agents ?? undefined).catch((err: Error) => log.warn({ err: err.message }, 'agent sessions not re-checked'));
  };

  const replicas = databaseUrl
    ? new ReplicaChannel(databaseUrl, log, (m: ReplicaMessage | null) => {
        if (m === null || m.kind === 'config') resync().catch((err: Error) => log.warn({ err }, 'config re-sync failed'));
        if (m === null || m.kind === 'quota') quota.kick();
        // A (re)connect may have missed a revocation: every session is re-checked.
        if (m === null || m.kind === 'agents') credentialsChanged(m?.agents ?? null, m?.deleted === true);
      })
    : null;
  const announce = (m: Omit<ReplicaMessage, 'from'>): void => {
    if (!replicas) return;
    db.$executeRaw`SELECT pg_notify(${REPLICA_CHANNEL}, ${replicas.payload(m)})`.catch((err: Error) =>
      log.warn({ err: err.message }, 'replica notification failed'),
    );
  };
  const quota = new ReplicaQuota({
    hub,
    db,
    log,
    intervalMs: hub.heartbeatMs,
    leaseMs: hub.heartbeatMs * hub.leaseMissedHeartbeats,
    agentRowLeaseMs: rowLeaseMs,
    changed: () => announce({ kind: 'quota' }),
  });

  app.tokenStore.on('agent-credentials', (c) => {
    rowsRead = null;
    credentialsChanged(c.agents, c.deleted);
    announce({ kind: 'agents', agents: c.agents, deleted: c.deleted });
  });

  store.on('change', (c) => {
    serve(c.version, c.document, c);
    announce({ kind: 'config', version: c.version });
  });

  // Feedback pushed by backends (routes/feedback.ts): applied across the agents at once. It is
  // stored, so a restart (onReady) loads it again; other replicas re-read the table every 10 s
  // (they are not notified of a push).
  const loadFeedback = async (): Promise<void> => {
    hub.replacePushedFeedback(await app.feedbackStore.load());
  };
  app.feedbackStore.on('feedback', (c) => {
    hub.setPushedFeedback(c.service, c.feedback);
  });
  const feedbackReload = replicas
    ? setInterval(() => {
        loadFeedback().catch((err: Error) => log.warn({ err: err.message }, 'pushed feedback not re-read'));
      }, 10_000)
    : null;
  feedbackReload?.unref();

  // ---- the Agent table -------------------------------------------------------------------------
  // Updates, never upserts: the row exists from the agent's first token on (a session needs one),
  // and the row of an agent deleted through the API must stay deleted, whatever writes were queued.
  const update = (
    name: string,
    data: { workers?: number; status?: 'connected' | 'disconnected'; appliedVersion?: string; lastHeartbeatAt?: Date },
  ): Promise<unknown> =>
    db.agent.updateMany({ where: { name }, data }).catch((err: Error) => log.warn({ err: err.message, agent: name }, 'agent row not written'));

  let writing: Promise<unknown> = Promise.resolve();
  // One write at a time, in order (a disconnect is never overtaken by an older heartbeat).
  const persist = (fn: () => Promise<unknown>): void => {
    writing = writing.then(fn).catch((err: Error) => log.warn({ err: err.message }, 'agent hub database write failed'));
  };
  let closed = false;

  const events: Array<ReturnType<typeof eventRow>> = [];
  let flushSoon: NodeJS.Timeout | null = null;
  const flushLater = (ms: number): void => {
    if (closed || flushSoon) return;
    flushSoon = setTimeout(flushEvents, ms);
    flushSoon.unref();
  };
  const flushEvents = (): void => {
    flushSoon = null;
    const batch = events.splice(0);
    if (batch.length === 0) return;
    persist(() =>
      insertEvents(db, batch).then(
        () => {
          store.emit('event');
        },
        (err: Error) => {
          if (!isDatabaseUnavailable(err)) {
            log.warn({ err: err.message, n: batch.length }, 'hub events not recorded');
            return;
          }
          // Kept, in order, for the next try: the database may be restarting.
          events.unshift(...batch);
          const dropped = Math.max(0, events.length - MAX_PENDING_EVENTS);
          events.splice(0, dropped);
          log.warn(
            { err: err.message.split('\n').filter(Boolean).at(-1), pending: events.length, dropped },
            'hub events not recorded yet (database unavailable); retrying',
          );
          flushLater(EVENT_RETRY_MS);
        },
      ),
    );
  };
  const record = (e: HubEvent): void => {
    events.push(eventRow(e));
    // Batched: a config change can move a thousand thresholds at once.
    flushLater(20);
  };

  // Agent → the version it last ACKed, not written yet (one UPDATE for them all when its turn comes).
  const applied = new Map<string, string>();
  let appliedSoon: NodeJS.Timeout | null = null;
  const writeApplied = async (): Promise<void> => {
    if (appliedSoon) clearTimeout(appliedSoon);
    appliedSoon = null;
    const rows = [...applied];
    applied.clear();
    if (rows.length === 0) return;
    await db.$executeRaw`
      UPDATE agent AS a SET "appliedVersion" = t.applied, "lastHeartbeatAt" = (${new Date().toISOString()}::timestamptz AT TIME ZONE 'UTC'), "updatedAt" = now()
      FROM unnest(${rows.map(([name]) => name)}::text[], ${rows.map(([, v]) => v)}::text[]) AS t(name, applied)
      WHERE a.name = t.name`.catch((err: Error) => log.warn({ err: err.message, agents: rows.length }, 'agent rows not written'));
  };

  hub.on('event', (e: HubEvent) => {
    switch (e.kind) {
      case 'agent.connected':
        persist(() => update(e.agent, { workers: e.workers, status: 'connected', lastHeartbeatAt: new Date() }));
        break;
      case 'agent.disconnected':
        persist(() => update(e.agent, { status: 'disconnected' }));
        break;
      case 'config.applied':
        // Coalesced: every agent ACKs every write, so the ACKs of APPLIED_FLUSH_MS go in one statement.
        if (applied.size === 0 && !closed) {
          appliedSoon = setTimeout(() => persist(writeApplied), APPLIED_FLUSH_MS);
          appliedSoon.unref();
        }
        applied.set(e.agent, e.version);
        break;
      default:
        break;
    }
    record(e);
  });

  /** Rows marked connected that no replica heartbeats within the lease (none of `held`): disconnected, each with an event. */
  const ageOut = async (held: string[]): Promise<void> => {
    const cutoff = new Date(Date.now() - rowLeaseMs);
    const rows = await db.$queryRaw<Array<{ name: string; lastHeartbeatAt: Date | null }>>`
      UPDATE agent SET status = 'disconnected', "updatedAt" = now()
      WHERE status = 'connected' AND ("lastHeartbeatAt" IS NULL OR "lastHeartbeatAt" < (${cutoff.toISOString()}::timestamptz AT TIME ZONE 'UTC'))
        AND NOT (name = ANY(${held}::text[]))
      RETURNING name, "lastHeartbeatAt"`;
    for (const r of rows) {
      log.info({ agent: r.name, lastHeartbeatAt: r.lastHeartbeatAt?.toISOString() ?? null }, 'agent row aged out: no replica holds its session');
      record({ kind: 'agent.disconnected', agent: r.name, reason: 'no replica holds its session (heartbeat older than the lease)' });
    }
  };

  // Every persistMs: the rows of the sessions held here (their state, so a row write lost while
  // the database was down is made good; never a row that is gone), then the sweep. One at a
  // time, skipped while the previous one is still queued (a database that hangs does not pile
  // them up).
  let beating = false;
  const heartbeat = (): void => {
    if (beating || closed) return;
    beating = true;
    const held = hub.agents().filter((a) => a.connected);
    persist(async () => {
      try {
        // One statement for every session held here, however many.
        if (held.length > 0) {
          await db.$executeRaw`
            UPDATE agent AS a SET status = 'connected', workers = t.workers, "appliedVersion" = COALESCE(t.applied, a."appliedVersion"),
              "lastHeartbeatAt" = (${new Date().toISOString()}::timestamptz AT TIME ZONE 'UTC'), "updatedAt" = now()
            FROM unnest(${held.map((a) => a.name)}::text[], ${held.map((a) => a.workers)}::int[], ${held.map((a) => a.appliedVersion)}::text[]) AS t(name, workers, applied)
            WHERE a.name = t.name`;
        }
        await ageOut(held.map((a) => a.name));
      } finally {
        beating = false;
      }
    });
  };
  const heartbeats = setInterval(heartbeat, persistMs);
  heartbeats.unref();

  app.addHook('onReady', async () => {
    // Not fatal: the database may come later (readiness reports it); a notification re-syncs.
    await resync().catch((err: Error) => log.warn({ err: err.message }, 'no config to serve yet'));
    await loadFeedback().catch((err: Error) => log.warn({ err: err.message }, 'pushed feedback not loaded yet'));
    // Rows left connected by a replica that died (or by this one, killed) age out now.
    await ageOut([]).catch((err: Error) => log.warn({ err: err.message }, 'agent rows not swept yet'));
    await replicas?.start();
  });
  app.addHook('onClose', async () => {
    closed = true;
    clearInterval(heartbeats);
    if (feedbackReload) clearInterval(feedbackReload);
    await quota.close();
    await replicas?.close();
    const connected = hub
      .agents()
      .filter((a) => a.connected)
      .map((a) => a.name);
    hub.close();
    await selections.close();
    if (flushSoon) clearTimeout(flushSoon);
    flushSoon = null;
    flushEvents();
    persist(writeApplied);
    if (connected.length > 0)
      persist(() => db.agent.updateMany({ where: { name: { in: connected } }, data: { status: 'disconnected' } }).catch(() => undefined));
    await writing;
  });
}

export default fp(controlPlaneHub, { name: 'spillway-control-plane-hub', fastify: '5.x', dependencies: ['spillway-api'] });
