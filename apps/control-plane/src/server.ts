// The control plane process, and the only file that listens. Loads the configuration, starts the
// embedded Postgres unless DATABASE_URL is set (and supervises it: a postmaster that dies is
// started again with backoff; requests answer 503 meanwhile and the pool reconnects), applies
// the migrations, listens. SIGTERM/SIGINT:
// stop accepting, let in-flight requests finish (up to SPILLWAY_SHUTDOWN_TIMEOUT_MS), close the
// database client, stop the embedded Postgres, exit 0. A port in use: one line on stderr, exit 1.
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { EmbeddedPostgres, PostgresSupervisor } from './db/embedded-postgres.js';
import { applyMigrations } from './db/migrate.js';
import type { PrismaClient } from './db/prisma.js';

function die(message: string): never {
  process.stderr.write(`spillway: ${message}\n`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) die(`invalid configuration: ${err.problems.join('; ')}`);
  throw err;
}

const log = pino({ level: config.logLevel, base: { pid: process.pid, app: 'spillway-control-plane' } });
// Process warnings (deprecations inside dependencies) go to the JSON log, not to stderr, which
// carries only the one-line errors above: removing the listeners drops Node's default printer.
process.removeAllListeners('warning');
process.on('warning', (w: Error & { code?: string }) => log.warn({ warning: { name: w.name, code: w.code, message: w.message } }, 'process warning'));

// The app's modules (generated client, OpenAPI, agent hub) take seconds to load: they load while
// Postgres starts in its own processes.
const appModules = Promise.all([import('./app.js'), import('./agent-hub/control-plane-hub.js'), import('./plugins/auth.js'), import('./db/prisma.js')]);
appModules.catch(() => undefined);

let pg: EmbeddedPostgres | null = null;
let supervisor: PostgresSupervisor | null = null;
let prisma: PrismaClient | null = null;
let app: FastifyInstance | null = null;
let stopping = false;

/** Releases whatever has been started, in reverse order. */
async function release(): Promise<void> {
  await supervisor?.stop();
  supervisor = null;
  await prisma?.$disconnect().catch((err: Error) => log.warn({ err }, 'closing the database client failed'));
  prisma = null;
  await pg?.stop().catch((err: Error) => log.error({ err }, 'stopping the embedded Postgres failed'));
  pg = null;
}

async function shutdown(signal: string): Promise<void> {
  // tsx and a terminal may both deliver the same Ctrl-C: one shutdown is enough.
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
  // A Postgres that dies from here on stays down.
  await supervisor?.stop();
  if (app) {
    const closing = app.close();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      closing.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), config.shutdownTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      log.warn({ timeoutMs: config.shutdownTimeoutMs }, 'in-flight requests did not finish in time; closing their connections');
      app.server.closeAllConnections();
      await closing;
    }
  }
  await release();
  log.info('stopped');
  process.exit(0);
}

const onSignal = (signal: string): void => {
  shutdown(signal).catch((err: unknown) => {
    log.error({ err }, 'shutdown failed');
    process.exit(1);
  });
};
process.on('SIGTERM', () => {
  onSignal('SIGTERM');
});
process.on('SIGINT', () => {
  onSignal('SIGINT');
});

async function start(): Promise<void> {
  let url = config.databaseUrl;
  if (url === null) {
    await mkdir(config.dataDir, { recursive: true });
    pg = new EmbeddedPostgres({ dataDir: path.join(config.dataDir, 'pg'), port: config.pgPort, onLog: (msg) => log.info({ component: 'postgres' }, msg) });
    url = await pg.start();
    supervisor = new PostgresSupervisor(pg, { log: log.child({ component: 'postgres' }) });
    supervisor.start();
  }
  if (stopping) return;
  const applied = await applyMigrations(url);
  log.info({ applied }, applied.length > 0 ? `applied ${applied.length} migration(s)` : 'database schema up to date');
  const [{ buildApp }, { hubOptionsFromEnv }, { ensureBootstrapToken }, { createPrismaClient }] = await appModules;
  if (stopping) return;
  prisma = createPrismaClient(url, { log: log.child({ component: 'database' }) });
  app = await buildApp({ prisma, config, loggerInstance: log, databaseUrl: url, hub: hubOptionsFromEnv(process.env) });
  // SPILLWAY_ADMIN_TOKEN becomes the bootstrap admin token; without it, the first start generates
  // one and prints it this once (only its hash is stored).
  const { generated } = await ensureBootstrapToken(prisma, config.adminToken ?? undefined);
  if (generated !== null) process.stdout.write(`\nspillway: generated an admin API token (shown once; only its hash is stored):\n  ${generated}\n\n`);
  if (stopping) return;
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    await app.close().catch(() => undefined);
    app = null;
    await release();
    if (code === 'EADDRINUSE') die(`port ${config.port} on ${config.host} is already in use (set SPILLWAY_PORT to another port)`);
    if (code === 'EACCES') die(`no permission to listen on ${config.host}:${config.port}`);
    if (code === 'EADDRNOTAVAIL') die(`cannot listen on ${config.host}: no such local address (SPILLWAY_HOST)`);
    throw err;
  }
  const { port } = app.server.address() as AddressInfo;
  log.info(
    { url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`, port, embeddedPostgres: pg !== null },
    'spillway control plane ready',
  );
}

start().catch(async (err: Error & { code?: string }) => {
  log.fatal({ err }, 'start failed');
  await release();
  die(`start failed: ${err.message.split('\n')[0]}${err.code ? ` (${err.code})` : ''}`);
});
