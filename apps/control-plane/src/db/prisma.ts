// The Prisma client of the control plane: the generated client (prisma-client generator, no
// query-engine binary) over node-postgres through @prisma/adapter-pg, on a pg.Pool of our own so
// that every connection of it has an 'error' listener for its whole life and runs one query at a time.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

// One import path for the client, the `Prisma` namespace (errors, input types), model types and enums.
export * from '../generated/prisma/client.js';

/** Where a lost connection is logged (a pino logger fits). */
export interface DatabaseLogger {
  warn(obj: object, msg: string): void;
}

export interface PrismaOptions {
  /** Pool size of the underlying pg.Pool (default 10). */
  poolSize?: number;
  /** Logs each connection error (they are counted either way: databaseErrors()). */
  log?: DatabaseLogger;
}

/** Connection errors seen by a client's pool, for a caller to read: databaseErrors(prisma). */
export interface DatabaseErrors {
  /** 'error' events of the pool's connections (a backend terminated, the server gone, a socket error). */
  connection: number;
}

const errorsOf = new WeakMap<PrismaClient, DatabaseErrors>();

/** The connection errors counted for `prisma` (zeros for a client not made by createPrismaClient). */
export function databaseErrors(prisma: PrismaClient): DatabaseErrors {
  return { ...(errorsOf.get(prisma) ?? { connection: 0 }) };
}

/** pg's own query(), called on the client with whatever arguments it was given. */
// eslint-disable-next-line @typescript-eslint/unbound-method -- always applied with a client as `this`
const pgQuery = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;

/**
 * A pg client of the pool:
 * - an 'error' listener from its construction to its end. pg emits 'error' on a connection with no
 *   query running (the server's FATAL 57P01 when Postgres stops or dies, a reset socket), and with
 *   no listener that is an uncaught exception. pg-pool listens only while a connection is idle,
 *   and @prisma/adapter-pg only once its transaction's `await pool.connect()` resumes: a
 *   connection that a finished query hands to a waiting transaction has none for that moment, and
 *   when the FATAL came in the same socket read as the last query's ReadyForQuery (a loaded
 *   process reads late), the parser emitted it right then (uncaught in agent-rows.test.ts's outage).
 * - one query at a time: Prisma runs a query plan's independent reads at once (a findMany's
 *   relations) on a transaction's one connection; pg 8 queues those with a deprecation warning and
 *   pg 9 refuses them. A promise query asked for while another runs waits for it here, in order.
 *   Callback queries (pg-pool's pool.query, one per checked-out client) and Submittables go to pg.
 */
class PoolClient extends pg.Client {
  private running = false;
  private readonly waiting: Array<() => void> = [];

  constructor(config: pg.ClientConfig | undefined, onError: (err: Error) => void) {
    super(config);
    this.on('error', onError);
  }

  // @types/pg declares query() with overloads; one implementation takes them all.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: unknown[]): any {
    const [config, values] = args;
    const promiseCall =
      args.length <= 2 && typeof values !== 'function' && !(typeof config === 'object' && config !== null && ('submit' in config || 'callback' in config));
    if (!promiseCall) return pgQuery.apply(this, args);
    if (!this.running) return this.run(args);
    return new Promise<void>((resolve) => this.waiting.push(resolve)).then(() => this.run(args));
  }

  private run(args: unknown[]): Promise<unknown> {
    this.running = true;
    const next = (): void => {
      const go = this.waiting.shift();
      if (go) go();
      else this.running = false;
    };
    let p: Promise<unknown>;
    try {
      p = pgQuery.apply(this, args) as Promise<unknown>;
    } catch (err) {
      next();
      throw err;
    }
    p.then(next, next);
    return p;
  }
}

/** A client for `url`; call `$disconnect()` to close its pool. */
export function createPrismaClient(url: string, opts: PrismaOptions = {}): PrismaClient {
  const errors: DatabaseErrors = { connection: 0 };
  const onError = (err: Error): void => {
    errors.connection++;
    opts.log?.warn({ err: err.message, code: (err as { code?: unknown }).code }, 'database connection error');
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    Client: class extends PoolClient {
      constructor(config?: pg.ClientConfig) {
        super(config, onError);
      }
    },
  });
  // The pool re-emits an idle connection's error (after removing it); counted by the client's listener already.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  errorsOf.set(prisma, errors);
  return prisma;
}
