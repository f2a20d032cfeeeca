// Entry point of a cluster worker: one engine, talking to the primary over IPC.
import net from 'node:net';
import cluster from 'node:cluster';
import { Engine } from './engine.js';
import { createLogger } from './log.js';
import type { ToEngine } from './messages.js';
import { installProcessGuards } from './process-guard.js';

const id = cluster.worker?.id ?? 0;
const log = createLogger({ worker: id });
installProcessGuards(log);
// A handed-off connection travels as its raw TCP handle: wrapped in a net.Socket, the primary
// would start reading it and keep bytes the receiving worker never sees.
const send = (msg: unknown, socket?: net.Socket): void => {
  if (!process.connected) {
    socket?.destroy();
    return;
  }
  if (!socket) {
    process.send!(msg);
    return;
  }
  const raw = (socket as unknown as { _handle?: unknown })._handle;
  if (!raw) {
    socket.destroy();
    return;
  }
  // The raw handle, not a Socket: the primary re-wraps it (send's typings only know net.Socket).
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  process.send!(msg, raw as net.Socket, {}, () => socket.destroy());
};
const engine = new Engine(id, send, log, () => setTimeout(() => process.exit(0), 20));
process.on('message', (msg: ToEngine, handle?: unknown) => {
  if (msg.t === 'handoff') {
    if (!handle) return;
    // pauseOnCreate (net's own option for accepted sockets): no byte is read before node:http
    // or the TCP pipe takes the socket over.
    const socket = new net.Socket({ handle, readable: true, writable: true, pauseOnCreate: true } as net.SocketConstructorOpts);
    engine.onMessage(msg, socket);
    return;
  }
  engine.onMessage(msg);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => {
  /* the primary decides when a worker drains */
});
process.on('SIGINT', () => {
  /* idem */
});
send({ t: 'hello' });
