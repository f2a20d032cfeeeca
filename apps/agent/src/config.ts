// The document an agent serves, from its file or pushed by the control plane: the contract of
// @spillway/protocol (its schema, defaults and normalization; no model of the agent's own), plus
// the checks a document must pass before it is served (references, chains, ports, wire syntax).
// Every problem is collected with its JSON path, so an operator fixes the file in one go and a
// NACK names each bad field.
import os from 'node:os';
import { validateChain } from '@spillway/core';
import {
  AgentFile,
  DEFAULTS,
  THRESHOLD_FIELD,
  checkConsistency,
  hostHeaderProblem,
  listenHostProblem,
  normalizeDocument,
  normalizeMonitor,
  normalizeVServer,
  redirectUrlProblem,
  requestTargetProblem,
  schemaCheck,
  type AgentSection as AgentSectionSpec,
  type CheckedSpilloverMethod,
  type CheckedVServer,
  type ConfigDocument,
  type DocumentProblem,
  type NMonitor,
  type NService,
  type NVServer,
} from '@spillway/protocol';
import { AgentError } from './errors.js';

// The contract's normalized types, by the names the agent's modules use.
export type ServiceDoc = NService;
export type MonitorDoc = NMonitor;
export type VServerDoc = CheckedVServer;
export type MonitorBindingDoc = NService['monitors'][number];
export type SpilloverMethodDoc = CheckedSpilloverMethod;
export type ServiceState = NService['state'];
export type LbMethod = NVServer['lbMethod'];
/** The `agent` section with every default (and environment override) applied. */
export type AgentSection = Required<AgentSectionSpec>;

export interface AgentConfig {
  services: ServiceDoc[];
  monitors: MonitorDoc[];
  vservers: VServerDoc[];
  agent: AgentSection;
}

export type ConfigProblem = DocumentProblem;

const checkFile = schemaCheck(AgentFile);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Environment variables that override the `agent` section, and how their text is read. */
const ENV = {
  name: ['SPILLWAY_AGENT_NAME', String],
  workers: ['SPILLWAY_AGENT_WORKERS', Number],
  adminPort: ['SPILLWAY_AGENT_ADMIN_PORT', Number],
  adminHost: ['SPILLWAY_AGENT_ADMIN_HOST', String],
  adminToken: ['SPILLWAY_AGENT_ADMIN_TOKEN', String],
  schedulingPolicy: ['SPILLWAY_AGENT_SCHEDULING_POLICY', String],
} as const;

/** What a document must satisfy beyond its schema to be served; paths into the document as given. */
function servingProblems(input: Record<string, unknown>): ConfigProblem[] {
  const p: ConfigProblem[] = [];
  const bad = (path: string, message: string): void => void p.push({ path, message });
  for (const kind of ['services', 'monitors', 'vservers'] as const) {
    const seen = new Set<string>();
    list(input[kind]).forEach((o, i) => {
      const n = isObj(o) ? o.name : undefined;
      if (typeof n !== 'string') return;
      if (seen.has(n)) bad(`/${kind}/${i}/name`, `duplicate name ${n}`);
      seen.add(n);
    });
  }
  // References: the hub's check (resources.ts), on the lists as given (what is not an object reads as an empty one).
  const lists = Object.fromEntries(['services', 'monitors', 'vservers'].map((k) => [k, list(input[k]).map((o) => (isObj(o) ? o : {}))]));
  p.push(...checkConsistency(lists as unknown as ConfigDocument));
  // Each object in the document's order, normalized the contract's way.
  const monitors = list(input.monitors).map(normalizeMonitor);
  const vservers = list(input.vservers).map(normalizeVServer);
  monitors.forEach((m, i) => {
    if (!m.http) return;
    const path = typeof m.http.path === 'string' ? requestTargetProblem(m.http.path) : null;
    if (path) bad(`/monitors/${i}/http/path`, path);
    const host = typeof m.http.host === 'string' ? hostHeaderProblem(m.http.host) : null;
    if (host) bad(`/monitors/${i}/http/host`, host);
  });
  const index = new Map(vservers.map((v, i) => [v.name, i]));
  const ports = new Map<number, string>();
  vservers.forEach((v, i) => {
    const at = `/vservers/${i}`;
    if (v.listen) {
      const host = typeof v.listen.host === 'string' ? listenHostProblem(v.listen.host) : null;
      if (host) bad(`${at}/listen/host`, host);
      const other = ports.get(v.listen.port);
      if (v.listen.port !== 0 && other !== undefined) bad(`${at}/listen/port`, `port ${v.listen.port} already used by ${other}`);
      ports.set(v.listen.port, v.name);
    }
    if (v.persistence.type === 'cookie' && v.protocol !== 'http') bad(`${at}/persistence/type`, 'cookie persistence needs protocol http');
    if (typeof v.spillover.redirectUrl === 'string') {
      const url = redirectUrlProblem(v.spillover.redirectUrl);
      if (url) bad(`${at}/spillover/redirectUrl`, url);
    }
    v.spillover.methods.forEach((m, j) => {
      const needed = (THRESHOLD_FIELD as Record<string, string | null | undefined>)[m.type];
      if (needed && (m as Record<string, unknown>)[needed] === undefined) bad(`${at}/spillover/methods/${j}/${needed}`, `method ${m.type} needs ${needed}`);
    });
  });
  // Chains (cycles, protocols, redirects): the spillover engine's own rules; unknown backups are references above.
  const chains = validateChain(
    vservers.map((v) => ({
      name: v.name,
      protocol: v.protocol,
      spillover: { methods: [], backup: v.spillover.backup ?? null, action: v.spillover.action, redirectUrl: v.spillover.redirectUrl ?? null },
    })),
  );
  for (const c of chains) if (c.code !== 'SPILLOVER_BACKUP_UNKNOWN') bad(`/vservers/${index.get(c.vserver) ?? 0}${c.path}`, c.message);
  return p;
}

/**
 * Parses and checks a document (a standalone file, or a snapshot pushed by the control plane)
 * against the contract and normalizes it; the environment overrides the `agent` section. Throws
 * SPILLWAY_AGENT_CONFIG_INVALID with every problem found (JSON paths into the document).
 */
export function parseAgentConfig(input: unknown, env: NodeJS.ProcessEnv = {}): AgentConfig {
  if (!isObj(input)) throw new AgentError('SPILLWAY_AGENT_CONFIG_INVALID', 'the configuration must be a JSON object', [{ path: '', message: 'not an object' }]);
  const fromEnv = new Set<string>();
  const section: Record<string, unknown> = { ...(isObj(input.agent) ? input.agent : {}) };
  for (const [k, [name, read]] of Object.entries(ENV)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    section[k] = read(v);
    fromEnv.add(k);
  }
  const doc = { ...input, agent: section };
  const problems = checkFile(doc).map((x) => {
    const k = /^\/agent\/([^/]+)/.exec(x.path)?.[1];
    return k !== undefined && fromEnv.has(k) ? { ...x, message: `${x.message} (${ENV[k as keyof typeof ENV][0]})` } : x;
  });
  // Checks beyond the schema only where the schema passed (they read typed values).
  const failed = (path: string): boolean => problems.some((x) => path === x.path || path.startsWith(`${x.path}/`) || x.path.startsWith(`${path}/`));
  problems.push(...servingProblems(doc).filter((x) => !failed(x.path)));
  if (typeof section.adminHost === 'string' && !failed('/agent/adminHost')) {
    const why = listenHostProblem(section.adminHost);
    if (why) problems.push({ path: '/agent/adminHost', message: fromEnv.has('adminHost') ? `${why} (SPILLWAY_AGENT_ADMIN_HOST)` : why });
  }
  if (problems.length > 0)
    throw new AgentError('SPILLWAY_AGENT_CONFIG_INVALID', `invalid configuration: ${problems.map((x) => `${x.path} ${x.message}`).join('; ')}`, problems);
  const { services, monitors, vservers } = normalizeDocument(doc);
  const a = section as AgentSectionSpec;
  return {
    services,
    monitors,
    // Checked above: each spillover method has its threshold field.
    vservers: vservers as VServerDoc[],
    agent: {
      name: a.name ?? DEFAULTS.agent.name,
      workers: a.workers ?? os.availableParallelism(),
      adminPort: a.adminPort ?? DEFAULTS.agent.adminPort,
      adminHost: a.adminHost ?? DEFAULTS.agent.adminHost,
      adminToken: a.adminToken ?? DEFAULTS.agent.adminToken,
      drainTimeoutMs: a.drainTimeoutMs ?? DEFAULTS.agent.drainTimeoutMs,
      // Unset: Node's own switch (NODE_CLUSTER_SCHED_POLICY), else rr as node:cluster on Linux.
      schedulingPolicy: a.schedulingPolicy ?? (env.NODE_CLUSTER_SCHED_POLICY === 'none' ? 'none' : DEFAULTS.agent.schedulingPolicy),
    },
  };
}
