// Real backends, a real agent process, real client sockets: the tools of the agent's tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildDist, compiled } from '../../../test/kit/build.js';
import * as kit from '../../../test/kit/until.js';
import type { AgentStats } from '../src/agent.js';

const root = path.resolve(import.meta.dirname, '../../..');
/**
 * The agent as it ships, compiled (its image's CMD; workers run dist/worker.js): ready in some
 * 2.4 s with two workers, 6.7 s under tsx, and the agent tests start it some fifty times. dist/
 * is built once per test file (test/kit/build.ts: incremental, one build at a time).
 */
const main = path.join(root, 'apps', 'agent', 'dist', 'main.js');
const compiledAgent = compiled(main);
const build = buildDist(['apps/agent']);
if (!existsSync(main)) throw new Error(`tsc -b apps/agent built no entry:\n${build.output}`);
/** The admin token every spawned agent gets (SPILLWAY_AGENT_ADMIN_TOKEN) unless a test sets its own. */
export const ADMIN_TOKEN = 'agent-admin-token-for-tests-0123';

export interface Backend {
  name: string;
  port: number;
  held: Set<net.Socket>;
  close(): Promise<void>;
  setStatus?(code: number): void;
}

/** A TCP backend that greets each connection with its name and then echoes; `port` 0: any free one. */
export async function tcpBackend(name: string, port = 0): Promise<Backend> {
  const server = net.createServer((s) => {
    s.on('error', () => s.destroy());
    s.write(`${name}\n`);
    s.pipe(s);
  });
  return { name, ...(await listenHeld(server, port)) };
}

/** Listens on 127.0.0.1 (`port` 0: any free one), keeping the open sockets in `held`; close() ends them and the server. */
async function listenHeld(server: net.Server, port = 0): Promise<{ port: number; held: Set<net.Socket>; close(): Promise<void> }> {
  const held = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    held.add(s);
    s.on('close', () => held.delete(s));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, held, close: () => closeServer(server, held) };
}

/** An HTTP backend answering its name; /healthz answers the status set with setStatus. */
export async function httpBackend(
  name: string,
  opts: { delayMs?: number } = {},
): Promise<Backend & { setStatus(code: number): void; requests: http.IncomingMessage[] }> {
  let status = 200;
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'failing');
      return;
    }
    requests.push(req);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (): void => {
        const body = JSON.stringify({ backend: name, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-backend': name });
        res.end(body);
      };
      if (opts.delayMs) setTimeout(answer, opts.delayMs);
      else answer();
    });
  });
  return {
    name,
    ...(await listenHeld(server)),
    requests,
    setStatus: (code: number) => {
      status = code;
    },
  };
}

export interface RunningAgent {
  child: ChildProcess;
  adminPort: number;
  /** The agent's own process (the child itself, or the wrapper's child when `command` is a wrapper such as tsx). */
  pid: number;
  ports: Record<string, number>;
  /** The config file it was started with ('' for a managed agent, started without one). */
  configPath: string;
  output: () => string;
  stats(): Promise<AgentStats>;
  reload(doc?: unknown): Promise<Response>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Spawns the compiled agent `node --conditions=spillway-dist apps/agent/dist/main.js --config <file>`
 * (or `command` with `--config <file>`) and waits for its ready line. A `doc` of null starts it
 * without a config file (a managed agent: its config comes from the control plane named in `env`).
 */
export async function spawnAgent(doc: unknown, env: Record<string, string> = {}, command: string[] = compiledAgent): Promise<RunningAgent> {
  let configPath = '';
  if (doc !== null) {
    configPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'spillway-agent-')), 'config.json');
    writeFileSync(configPath, JSON.stringify(doc));
  }
  const [file = process.execPath, ...args] = command;
  const child = spawn(file, [...args, ...(configPath ? ['--config', configPath] : [])], {
    cwd: root,
    env: { ...process.env, SPILLWAY_AGENT_ADMIN_PORT: '0', SPILLWAY_AGENT_ADMIN_TOKEN: ADMIN_TOKEN, SPILLWAY_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const ready = await new Promise<{ adminPort: number; listeners: Record<string, number>; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM'); // an agent that never got ready does not outlive the test (a wrapper such as tsx passes it on)
      reject(new Error(`agent not ready in 30 s:\n${out}`));
    }, 30_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      for (const line of out.split('\n')) {
        if (line.startsWith('{"ready":true')) {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited with ${code}:\n${out}`));
    });
  });
  const admin = `http://127.0.0.1:${ready.adminPort}`;
  return {
    child,
    pid: ready.pid,
    adminPort: ready.adminPort,
    ports: ready.listeners,
    configPath,
    output: () => out,
    stats: async () => (await fetch(`${admin}/stats`)).json() as Promise<AgentStats>,
    reload: (d?: unknown) =>
      fetch(`${admin}/reload`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${env.SPILLWAY_AGENT_ADMIN_TOKEN ?? ADMIN_TOKEN}`,
          ...(d === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: d === undefined ? '' : JSON.stringify(d),
      }),
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        // Under a wrapper (tsx) the agent is its child: make sure no agent outlives a failed test.
        const reap = (): void => {
          try {
            process.kill(ready.pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        };
        if (child.exitCode !== null) {
          reap();
          resolve(child.exitCode);
          return;
        }
        const kill = setTimeout(() => {
          child.kill('SIGKILL');
          reap();
        }, 15_000);
        child.once('exit', (code) => {
          clearTimeout(kill);
          reap();
          resolve(code);
        });
        child.kill(signal);
      }),
  };
}

/** Opens a TCP connection through the agent and resolves with the first line (the backend's name), or 'closed'. */
export function openHeld(port: number): Promise<{ socket: net.Socket; first: string }> {
  return kit.openHeld(port);
}

/** Polls `fn` every `stepMs` until `ok` accepts its value (a rejection of `fn` fails the wait). */
export function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000, stepMs = 50): Promise<T> {
  return kit.until(fn, ok, { timeoutMs, stepMs });
}

export { accepts, elapse } from '../../../test/kit/until.js';

export function tcpService(name: string, port: number, capacity: number, extra: Record<string, unknown> = {}) {
  return { name, address: '127.0.0.1', port, protocol: 'tcp', capacity, weight: 1, state: 'enabled', monitors: [], ...extra };
}

/** An HTTP service document on 127.0.0.1 (capacity 1000 unless given). */
export function httpService(name: string, port: number, capacity = 1000, extra: Record<string, unknown> = {}) {
  return tcpService(name, port, capacity, { protocol: 'http', ...extra });
}

/** An HTTP vserver on a free port of 127.0.0.1 serving one service, no spillover method. */
export function httpVServer(name: string, service: string, extra: Record<string, unknown> = {}) {
  return { name, protocol: 'http', listen: { port: 0, host: '127.0.0.1' }, services: [{ service }], spillover: { methods: [] }, ...extra };
}

/** Closes a test server and destroys the connections it holds. */
function closeServer(server: net.Server, held: Set<net.Socket>): Promise<void> {
  return new Promise((r) => {
    for (const s of held) s.destroy();
    server.close(() => r());
  });
}

/**
 * A TCP backend that counts the connections it holds at once (`max`), greets each with its name,
 * records the first line each client sends (`order`, in arrival order) and then echoes.
 * `dropAll()` closes every connection it holds from this side: they stop counting at once, before
 * the proxy can know (a count that waits for the proxy's close would lag behind its next connect).
 */
export async function countingTcpBackend(name: string): Promise<Backend & { readonly max: number; order: string[]; dropAll(): void }> {
  const held = new Set<net.Socket>();
  const order: string[] = [];
  let max = 0;
  const server = net.createServer((s) => {
    held.add(s);
    max = Math.max(max, held.size);
    s.on('end', () => held.delete(s));
    s.on('close', () => held.delete(s));
    s.on('error', () => s.destroy());
    let line = '';
    const first = (c: Buffer): void => {
      line += c.toString();
      const i = line.indexOf('\n');
      if (i < 0) return;
      s.off('data', first);
      order.push(line.slice(0, i));
    };
    s.on('data', first);
    s.write(`${name}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    name,
    port: (server.address() as net.AddressInfo).port,
    held,
    order,
    get max() {
      return max;
    },
    dropAll: () => {
      for (const s of [...held]) {
        held.delete(s);
        s.destroy();
      }
    },
    close: () => closeServer(server, held),
  };
}

/**
 * An HTTP backend that holds every request until `answerAll()`, counting the requests it holds at
 * once (`max`); each answer names the backend.
 */
export async function holdingHttpBackend(
  name: string,
): Promise<Backend & { readonly max: number; readonly holding: number; readonly answered: number; answerAll(): void }> {
  const waiting: http.ServerResponse[] = [];
  let max = 0;
  let answered = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    waiting.push(res);
    max = Math.max(max, waiting.length);
  });
  return {
    name,
    ...(await listenHeld(server)),
    get max() {
      return max;
    },
    get holding() {
      return waiting.length;
    },
    get answered() {
      return answered;
    },
    answerAll: () => {
      for (const res of waiting.splice(0)) {
        answered++;
        res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': name });
        res.end(name);
      }
    },
  };
}

/** The two ways node:cluster shares a listener between workers: the agent's `schedulingPolicy`. */
export const SCHEDULING_POLICIES = ['rr', 'none'] as const;

/** A TCP vserver document: `listen` false for a backup only reached through its chain. */
export function tcpVServer(name: string, services: string[], spillover: Record<string, unknown>, listen = true) {
  return {
    name,
    protocol: 'tcp',
    listen: listen ? { port: 0, host: '127.0.0.1' } : null,
    services: services.map((service) => ({ service })),
    spillover: { methods: [], action: 'drop', ...spillover },
  };
}

/** A port on 127.0.0.1 where nothing listens (a service there is DOWN to a TCP monitor). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Opens `n` connections one after the other (each admitted before the next opens); their sockets and first lines. */
export async function openInTurn(port: number, n: number): Promise<{ sockets: net.Socket[]; firsts: string[]; close(): void }> {
  const sockets: net.Socket[] = [];
  const firsts: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await openHeld(port);
    sockets.push(c.socket);
    firsts.push(c.first);
  }
  return {
    sockets,
    firsts,
    close: () => {
      for (const s of sockets) s.destroy();
    },
  };
}

/** An agent-check responder (HAProxy's agent-check): answers `line` to every connection and closes; counts the answers of the current line. */
export async function agentCheck(first: string) {
  const state = { line: first, answered: 0 };
  const server = net.createServer((s) => {
    s.on('error', () => s.destroy());
    s.resume(); // what the monitor sends (agent.send) is read and dropped
    state.answered++;
    s.end(`${state.line}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    say(line: string) {
      state.line = line;
      state.answered = 0;
    },
    get answered() {
      return state.answered;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Writes `text` on an open connection to an echo backend and resolves once it came back (the connection still flows). */
export function echoes(socket: net.Socket, text: string): Promise<string> {
  const back = new Promise<string>((resolve) => {
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.includes(text)) resolve(got);
    });
  });
  socket.write(`${text}\n`);
  return back;
}

/**
 * A port whose listener never accepts: a node process listens with a backlog of 1 and blocks its
 * event loop, and the test fills the queue, so later handshakes are never completed.
 */
export async function blackhole(): Promise<{ port: number; fillers: net.Socket[]; child: ChildProcess }> {
  const src =
    "const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>{process.stdout.write(s.address().port+'\\n');Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0)})";
  const child = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (c: Buffer) => resolve(Number(c.toString().trim()))));
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 3; i++) {
    const f = net.connect({ port, host: '127.0.0.1' });
    f.on('error', () => f.destroy());
    fillers.push(f);
  }
  return { port, fillers, child };
}
