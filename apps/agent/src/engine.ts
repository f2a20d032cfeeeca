// The engine side of the primary/engine conversation: wires a DataPlane and its QuotaWorker to
// whatever carries messages (process IPC in a cluster worker, direct calls in one process).
import type net from 'node:net';
import { AgentDocument } from './config.js';
import type { Logger } from './log.js';
import type { FromEngine, ToEngine } from './messages.js';
import { DataPlane } from './plane.js';
import { QuotaWorker } from './quota-worker.js';
import { isServiceToEngine } from './service-state.js';
import { sameActive, watchActive, type ActiveCounts } from './stats.js';

export type SendToPrimary = (msg: FromEngine, handle?: net.Socket) => void;

/**
 * A change of the services' active connections alone is pushed at most this often; a vserver's
 * goes out at stats.ts's pace (ACTIVE_PUSH_MS). Under HTTP load a service's count is the
 * requests in flight and moves with every request: pushed every 10 ms it cost the worker a snapshot
 * and an IPC message, and the primary a wake-up, about 5% of the worker's profile under keep-alive
 * load. The vservers' counts (connections, what the control plane's quota reads) keep their pace.
 */
export const SERVICE_PUSH_MS = 100;
const NO_SERVICES = {};

export class Engine {
  readonly plane: DataPlane;
  readonly quota: QuotaWorker;
  private readonly unwatch: () => void;
  private pushed: ActiveCounts = { vservers: {}, services: {} };
  private pushedAt = 0;
  private later: NodeJS.Timeout | null = null;
  /** The document this engine serves, by name (the primary sends it changes). */
  private doc: AgentDocument | null = null;

  constructor(
    readonly id: number,
    private readonly send: SendToPrimary,
    private readonly log: Logger,
    private readonly onDrained: () => void = () => {},
  ) {
    this.quota = new QuotaWorker((m) => send(m));
    this.plane = new DataPlane(id, this.quota, (m, h) => send(m, h), log);
    this.unwatch = watchActive(() => this.pushActive());
  }

  /** Sends the active connections to the primary when they differ from the last sent (services' alone: SERVICE_PUSH_MS apart). */
  private pushActive(): void {
    const counts = this.plane.active();
    if (sameActive(counts, this.pushed)) return;
    const since = Date.now() - this.pushedAt;
    if (
      since < SERVICE_PUSH_MS &&
      sameActive({ vservers: counts.vservers, services: NO_SERVICES }, { vservers: this.pushed.vservers, services: NO_SERVICES })
    ) {
      if (!this.later) {
        this.later = setTimeout(this.pushLater, SERVICE_PUSH_MS - since);
        this.later.unref();
      }
      return;
    }
    if (this.later) clearTimeout(this.later);
    this.later = null;
    this.pushed = counts;
    this.pushedAt = Date.now();
    this.send({ t: 'active', counts });
  }

  private readonly pushLater = (): void => {
    this.later = null;
    this.pushActive();
  };

  onMessage(msg: ToEngine, handle?: net.Socket): void {
    if (isServiceToEngine(msg)) {
      this.plane.state.onMessage(msg);
      return;
    }
    switch (msg.t) {
      case 'q.lease':
      case 'q.allowance':
      case 'q.reply':
      case 'q.drop':
      case 'q.sync':
        this.quota.onMessage(msg);
        return;
      case 'config': {
        // The change only (a whole document: its diff from the one this engine runs).
        this.plane.setServiceStates(msg.states);
        this.doc ??= new AgentDocument(msg.agent);
        this.doc.agent = msg.agent;
        this.plane.apply(this.doc, this.doc.apply(msg.change)).then(
          () => this.send({ t: 'applied', id: msg.id, ports: this.plane.boundPorts(), rebuilt: this.plane.rebuilt.last }),
          (err: Error) => {
            this.log.error({ err }, 'configuration not applied');
            this.send({ t: 'applied', id: msg.id, ports: this.plane.boundPorts(), rebuilt: this.plane.rebuilt.last, error: err.message });
          },
        );
        return;
      }
      case 'states':
        this.plane.setServiceStates(msg.up);
        return;
      case 'bw':
        this.plane.setBandwidth(msg.kbps);
        return;
      case 'persist':
        this.plane.rememberSpill(msg.key, msg.vs, msg.timeoutMs);
        return;
      case 'sites':
        this.plane.setSites(msg.table);
        return;
      case 'handoff':
        if (!handle) return;
        void this.plane.accept(handle, msg.root, msg.at, msg.tried, msg.head !== undefined ? Buffer.from(msg.head, 'base64') : null);
        return;
      case 'stats?':
        this.send({ t: 'stats', id: msg.id, counters: this.plane.changes(msg.full) });
        return;
      case 'drain':
        void this.plane.drain(msg.deadlineMs).then(() => {
          this.unwatch();
          if (this.later) clearTimeout(this.later);
          this.send({ t: 'drained' });
          this.onDrained();
        });
        return;
    }
  }
}
