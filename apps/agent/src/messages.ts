// Messages between the primary (pool manager, monitors, admin) and its engines (workers).
import type { AgentBandwidth } from './admission.js';
import type { AgentSection, ConfigChange } from './config.js';
import type { PlaneMessageOut } from './plane.js';
import type { QuotaMessageToEngine, QuotaMessageToManager } from './quota-worker.js';
import type { ServiceToEngine } from './service-state.js';
import type { SiteTable } from './sites.js';
import type { ActiveCounts, CounterChanges } from './stats.js';

export type ToEngine =
  | QuotaMessageToEngine
  /** Agent-wide service state (service-state.ts / service-state-primary.ts). */
  | ServiceToEngine
  /** A change of the document (a whole one: its diff from what the engine runs), the agent section, the services' states. */
  | { t: 'config'; id: number; change: ConfigChange; agent: AgentSection; states: Record<string, boolean> }
  | { t: 'states'; up: Record<string, boolean> }
  /** Each vserver's agent-wide bandwidth and the agent's share of its bandwidth thresholds. */
  | { t: 'bw'; kbps: Record<string, AgentBandwidth> }
  /** `head`: bytes of the first request head the handing engine already read (base64, HTTP). */
  | { t: 'handoff'; root: string; at: string; tried: number[]; head?: string }
  | { t: 'persist'; key: string; vs: string; timeoutMs: number }
  /** Sites (sites.ts): the agent's site and address, the site weights of each siteBalancing vserver, each site's agents. */
  | { t: 'sites'; table: SiteTable }
  /** The counters changed since the engine's last report (`full`: every one). */
  | { t: 'stats?'; id: number; full: boolean }
  | { t: 'drain'; deadlineMs: number };

export type FromEngine =
  | QuotaMessageToManager
  | PlaneMessageOut
  | { t: 'hello' }
  /** `rebuilt`: the objects (services, monitors, vservers) the change reached, which the engine rebuilt. */
  | { t: 'applied'; id: number; ports: Record<string, number>; rebuilt: number; error?: string }
  | { t: 'stats'; id: number; counters: CounterChanges }
  /** The engine's active connections, pushed when they change (at most once per ACTIVE_PUSH_MS of stats.ts). */
  | { t: 'active'; counts: ActiveCounts }
  | { t: 'drained' };
