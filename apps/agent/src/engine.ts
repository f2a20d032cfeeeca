// The engine side of the primary/engine conversation: wires a DataPlane and its QuotaWorker to
// whatever carries messages (process IPC in a cluster worker, direct calls in one process).
import type net from 'node:net';
import type { Logger } from './log.js';
import type { FromEngine, ToEngine } from './messages.js';
import { DataPlane } from './plane.js';
import { QuotaWorker } from './quota-worker.js';
import { isServiceToEngine } from './service-state.js';
import { sameActive, watchActive, type ActiveCounts } from './stats.js';

export type SendToPrimary = (msg: FromEngine, handle?: net.Socket) => void;

export class Engine {
  readonly plane: DataPlane;
  readonly quota: QuotaWorker;
  private readonly unwatch: () => void;
  private pushed: ActiveCounts = { vservers: {}, services: {} };

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

  /** Sends the active connections to the primary when they differ from the last sent. */
  private pushActive(): void {
    const snap = this.plane.snapshot();
    const counts: ActiveCounts = {
      vservers: Object.fromEntries(Object.entries(snap.vservers).map(([k, c]) => [k, c.cx_active])),
      services: Object.fromEntries(Object.entries(snap.services).map(([k, c]) => [k, c.cx_active])),
    };
    if (sameActive(counts, this.pushed)) return;
    this.pushed = counts;
    this.send({ t: 'active', counts });
  }

  onMessage(msg: ToEngine, handle?: net.Socket): void {
    if (isServiceToEngine(msg)) {
      this.plane.state.onMessage(msg);
      return;
    }
    switch (msg.t) {
      case 'q.lease':
      case 'q.alloc':
      case 'q.reply':
      case 'q.drop':
        this.quota.onMessage(msg);
        return;
      case 'config':
        this.plane.setServiceStates(msg.states);
        this.plane.apply(msg.config).then(
          () => this.send({ t: 'applied', id: msg.id, ports: this.plane.boundPorts() }),
          (err: Error) => {
            this.log.error({ err }, 'configuration not applied');
            this.send({ t: 'applied', id: msg.id, ports: this.plane.boundPorts(), error: err.message });
          },
        );
        return;
      case 'states':
        this.plane.setServiceStates(msg.up);
        return;
      case 'bw':
        this.plane.setBandwidth(msg.kbps);
        return;
      case 'persist':
        this.plane.rememberSpill(msg.key, msg.vs, msg.timeoutMs);
        return;
      case 'handoff':
        if (!handle) return;
        void this.plane.accept(handle, msg.root, msg.at, msg.tried, msg.head !== undefined ? Buffer.from(msg.head, 'base64') : null);
        return;
      case 'stats?':
        this.send({ t: 'stats', id: msg.id, snapshot: this.plane.snapshot() });
        return;
      case 'drain':
        void this.plane.drain(msg.deadlineMs).then(() => {
          this.unwatch();
          this.send({ t: 'drained' });
          this.onDrained();
        });
        return;
    }
  }
}
