// Entry point of a cluster worker: one engine, talking to the primary over IPC.
import type net from 'node:net';
import cluster from 'node:cluster';
import { Engine } from './engine.js';
import { createLogger } from './log.js';
import type { ToEngine } from './messages.js';

const id = cluster.worker?.id ?? 0;
const log = createLogger({ worker: id });
const send = (msg: unknown, handle?: net.Socket): void => {
  if (!process.connected) return;
  if (handle) process.send!(msg, handle, { keepOpen: false });
  else process.send!(msg);
};
const engine = new Engine(id, send, log, () => setTimeout(() => process.exit(0), 20));
process.on('message', (msg: ToEngine, handle?: net.Socket) => engine.onMessage(msg, handle));
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => { /* the primary decides when a worker drains */ });
process.on('SIGINT', () => { /* idem */ });
send({ t: 'hello' });
