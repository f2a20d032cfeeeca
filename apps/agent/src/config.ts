// The document an agent serves, from its file or pushed by the control plane: the contract of
// @spillway/protocol (its schema, defaults, normalization and rules; no model of the agent's own):
// the schema, then the rules a data plane needs (references, chains, ports, wire syntax, thresholds).
// Every problem is collected with its JSON path, so an operator fixes the file in one go and a
// NACK names each bad field.
import os from 'node:os';
import {
  AgentFile,
  DEFAULTS,
  listenHostProblem,
  normalizeDocument,
  schemaCheck,
  siteView,
  validateDocument,
  type AgentSection as AgentSectionSpec,
  type CheckedSpilloverMethod,
  type CheckedVServer,
  type DocumentProblem,
  type NMonitor,
  type NService,
  type NVServer,
  type Problem,
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

/** Environment variables that override the `agent` section, and how their text is read. */
const ENV = {
  name: ['SPILLWAY_AGENT_NAME', String],
  workers: ['SPILLWAY_AGENT_WORKERS', Number],
  adminPort: ['SPILLWAY_AGENT_ADMIN_PORT', Number],
  adminHost: ['SPILLWAY_AGENT_ADMIN_HOST', String],
  adminToken: ['SPILLWAY_AGENT_ADMIN_TOKEN', String],
  schedulingPolicy: ['SPILLWAY_AGENT_SCHEDULING_POLICY', String],
  site: ['SPILLWAY_AGENT_SITE', String],
  selectionBudgetMs: ['SPILLWAY_AGENT_SELECTION_BUDGET_MS', Number],
} as const;

const PLURAL = { service: 'services', monitor: 'monitors', vserver: 'vservers', site: 'sites' } as const;

/**
 * What a document must satisfy beyond its schema to be served: the contract's rules (the API's
 * too) that a data plane needs, found on the document in its given order so that paths point into
 * it. A document the schema refused may make a rule throw: then the schema's problems stand alone.
 */
function servingProblems(input: Record<string, unknown>): ConfigProblem[] {
  const doc = normalizeDocument(input, 'given');
  let problems: Problem[];
  try {
    problems = validateDocument(doc, { anyListenPort: true });
  } catch {
    return [];
  }
  const list = (kind: Problem['kind']): ReadonlyArray<{ name: string }> => doc[PLURAL[kind]] ?? [];
  const index = (kind: Problem['kind'], name: string): number => list(kind).findIndex((o) => o.name === name);
  const out: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const p of problems) {
    if (!p.serving) continue;
    // A duplicate name: the later object of the name.
    const i = p.code === 'SPILLWAY_DUPLICATE_NAME' ? list(p.kind).findLastIndex((o) => o.name === p.name) : index(p.kind, p.name);
    const path = `/${PLURAL[p.kind]}/${i}${p.path}`;
    if (!seen.has(path)) out.push({ path, message: p.message });
    seen.add(path);
  }
  return out;
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
  const a = section as AgentSectionSpec;
  // An agent of a site serves the services of its site and those of none (docs/SITES.md).
  const { services, monitors, vservers } = siteView(normalizeDocument(doc), a.site ?? DEFAULTS.agent.site);
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
      site: a.site ?? DEFAULTS.agent.site,
      selectionBudgetMs: a.selectionBudgetMs ?? DEFAULTS.agent.selectionBudgetMs,
    },
  };
}
