// The document an agent serves, from its file or pushed by the control plane: the contract of
// @spillway/protocol (its schema, defaults, normalization and rules; no model of the agent's own):
// the schema, then the rules a data plane needs (references, chains, ports, wire syntax, thresholds).
// Every problem is collected with its JSON path, so an operator fixes the file in one go and a
// NACK names each bad field.
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import {
  AgentFile,
  DEFAULTS,
  listenHostProblem,
  normalizeDocument,
  normalizeMonitor,
  normalizeService,
  normalizeVServer,
  ResourceSet,
  RESOURCE_KINDS,
  validateChange,
  type ConfigDocument,
  type DocumentView,
  type ResourceKind,
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

/** A change of the document an agent serves: resources upserted whole (normalized), names removed (resources.ts). */
export interface ConfigChange {
  upserted: { services: ServiceDoc[]; monitors: MonitorDoc[]; vservers: VServerDoc[] };
  removed: Record<ResourceKind, string[]>;
}
/** The names a change reached (upserted, removed, and what refers to them: resources.ts `reach`). */
export type Reach = Record<ResourceKind, Set<string>>;
export const changeSize = (c: ConfigChange): number => RESOURCE_KINDS.reduce((n, k) => n + c.upserted[k].length + c.removed[k].length, 0);
export const reachSize = (r: Reach): number => r.services.size + r.monitors.size + r.vservers.size;

/**
 * The document an agent's primary or engine runs, held by name in the contract's ResourceSet:
 * a change is applied in time proportional to it (and what refers to what it changed), and a
 * whole document (a snapshot, a file, /reload) is applied as its diff from the one running.
 */
export class AgentDocument {
  private readonly set = new ResourceSet();
  private arrays: AgentConfig | null = null;

  constructor(public agent: AgentSection) {}

  get services(): ReadonlyMap<string, ServiceDoc> {
    return this.set.all('services') as ReadonlyMap<string, ServiceDoc>;
  }
  get monitors(): ReadonlyMap<string, MonitorDoc> {
    return this.set.all('monitors') as ReadonlyMap<string, MonitorDoc>;
  }
  get vservers(): ReadonlyMap<string, VServerDoc> {
    return this.set.all('vservers') as ReadonlyMap<string, VServerDoc>;
  }

  /** The changes that turn this document into `config` (objects equal in value are kept). */
  diff(config: Pick<AgentConfig, ResourceKind>): ConfigChange {
    return this.set.diff(config, isDeepStrictEqual) as unknown as ConfigChange;
  }

  /** Dangling references `c` would leave (resources.ts `problems`). */
  problems(c: ConfigChange): ConfigProblem[] {
    return this.set.problems(c);
  }

  /** Applies `c` and returns what it reached. */
  apply(c: ConfigChange): Reach {
    const changes = c as unknown as Parameters<ResourceSet['apply']>[0];
    this.set.apply(changes);
    this.arrays = null;
    return this.set.reach(changes);
  }

  /** This document after `c` as the contract's change check reads it (protocol's DocumentView, from the set's indexes). */
  viewAfter(c: ConfigChange): DocumentView {
    return this.set.viewAfter(c);
  }

  /** The whole document as lists (made once per version, for readers of the whole: stats, the full check). */
  config(): AgentConfig {
    if (!this.arrays) {
      const doc = this.set.document() as unknown as Pick<AgentConfig, ResourceKind>;
      this.arrays = { services: doc.services, monitors: doc.monitors, vservers: doc.vservers, agent: this.agent };
    }
    return this.arrays;
  }
}

/** Every resource of `config`, as a change from nothing (an engine's first configuration). */
export const wholeChange = (config: Pick<AgentConfig, ResourceKind>): ConfigChange => ({
  upserted: { services: config.services, monitors: config.monitors, vservers: config.vservers },
  removed: { services: [], monitors: [], vservers: [] },
});

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
  return servedSite(checkAgentConfig(input, env));
}

/** The part of `config` an agent of its site serves (docs/SITES.md; the whole for an agent of no site). */
export const servedSite = (config: AgentConfig): AgentConfig => ({ ...siteView(config, config.agent.site), agent: config.agent });

/** parseAgentConfig's check of a whole document, every site's part kept (what a delta applies onto). */
export function checkAgentConfig(input: unknown, env: NodeJS.ProcessEnv = {}): AgentConfig {
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
  const { services, monitors, vservers } = normalizeDocument(doc);
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
      // Unset: Node's own switch (NODE_CLUSTER_SCHED_POLICY=rr|none), else the default.
      schedulingPolicy:
        a.schedulingPolicy ??
        (env.NODE_CLUSTER_SCHED_POLICY === 'rr' || env.NODE_CLUSTER_SCHED_POLICY === 'none' ? env.NODE_CLUSTER_SCHED_POLICY : DEFAULTS.agent.schedulingPolicy),
      site: a.site ?? DEFAULTS.agent.site,
      selectionBudgetMs: a.selectionBudgetMs ?? DEFAULTS.agent.selectionBudgetMs,
    },
  };
}

/**
 * Checks and normalizes a delta pushed by the control plane (resources upserted as the contract
 * writes them, names removed) against the document it applies to, in proportion to its size and
 * the part of the document it reaches: the schema of each upserted object, references (nothing
 * left dangling), then the contract's serving rules on that part (protocol's validateChange).
 * Throws SPILLWAY_AGENT_CONFIG_INVALID with every problem found (paths into the delta).
 */
export function parseAgentChange(
  delta: Pick<ConfigDocument, never> & { upserted: ConfigDocument; removed: Record<ResourceKind, string[]> },
  on: AgentDocument,
): ConfigChange {
  const up = delta.upserted;
  const problems = checkFile({ services: up.services, monitors: up.monitors, vservers: up.vservers }).map((x) => ({ ...x, path: `/upserted${x.path}` }));
  if (problems.length > 0)
    throw new AgentError('SPILLWAY_AGENT_CONFIG_INVALID', `invalid delta: ${problems.map((x) => `${x.path} ${x.message}`).join('; ')}`, problems);
  const change: ConfigChange = {
    upserted: {
      services: up.services.map((x) => normalizeService(x, 'given')),
      monitors: up.monitors.map(normalizeMonitor),
      // Checked below: each spillover method has its threshold field.
      vservers: up.vservers.map((x) => normalizeVServer(x, 'given') as VServerDoc),
    },
    removed: { services: [...delta.removed.services], monitors: [...delta.removed.monitors], vservers: [...delta.removed.vservers] },
  };
  const dangling = on.problems(change);
  if (dangling.length > 0)
    throw new AgentError('SPILLWAY_AGENT_DELTA_INCONSISTENT', `delta leaves ${dangling.length} reference(s) dangling: ${dangling[0]!.message}`, dangling);
  // The rules on the part of the document the change reaches (the document after it, read by name).
  const formerPorts: number[] = [];
  for (const name of [...change.removed.vservers, ...change.upserted.vservers.map((v) => v.name)]) {
    const port = on.vservers.get(name)?.listen?.port;
    if (port !== undefined) formerPorts.push(port);
  }
  const names = (kind: ResourceKind): string[] => change.upserted[kind].map((o) => o.name);
  const rules = validateChange(
    on.viewAfter(change),
    { upserted: { services: names('services'), monitors: names('monitors'), vservers: names('vservers') }, removed: change.removed, formerPorts },
    { anyListenPort: true },
  ).filter((p) => p.serving);
  if (rules.length > 0) {
    // Paths into the delta; an object it reached but did not carry, by name.
    const at = (p: Problem): string => {
      const kind = PLURAL[p.kind] as ResourceKind;
      const i = kind in change.upserted ? change.upserted[kind].findIndex((o) => o.name === p.name) : -1;
      return i >= 0 ? `/upserted/${kind}/${i}${p.path}` : `/${kind}/${p.name}${p.path}`;
    };
    const found = rules.map((p) => ({ path: at(p), message: p.message }));
    throw new AgentError('SPILLWAY_AGENT_CONFIG_INVALID', `invalid delta: ${found.map((x) => `${x.path} ${x.message}`).join('; ')}`, found);
  }
  return change;
}
