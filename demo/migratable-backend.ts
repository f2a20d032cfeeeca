// A migratable TCP backend for the live-migration demo (issue 15), built on @spillway/migration.
// Each connection keeps state: it streams numbered lines (`seq N from <name>`, one every
// DEMO_TICK_MS) and answers each number the client sends with the running sum (`sum S from
// <name>`). State = { next, sum, partial }: when Spillway migrates the connection to another backend, the
// lines go on from the next number and the sum from where it was, now "from" the other backend.
//
//   BACKEND_NAME, BACKEND_PORT (default 9111), BACKEND_HOST (127.0.0.1), MIGRATION_PORT (9121),
//   MIGRATION_SECRET (16+ visible ASCII characters, the service's migration.secret), DEMO_TICK_MS (1000)
import { MigratableServer } from '@spillway/migration';

interface State {
  next: number;
  sum: number;
  /** The start of a number whose end has not arrived yet (a migration may fall inside a number). */
  partial: string;
}

const name = process.env.BACKEND_NAME ?? 'demo-m1';
const port = Number(process.env.BACKEND_PORT ?? process.argv[2] ?? 9111);
const host = process.env.BACKEND_HOST ?? '127.0.0.1';
const controlPort = Number(process.env.MIGRATION_PORT ?? 9121);
const tickMs = Number(process.env.DEMO_TICK_MS ?? 1000);
const secret = process.env.MIGRATION_SECRET ?? '';

const log = (msg: string, extra: object = {}) => console.log(JSON.stringify({ msg, name, ...extra }));
if (!/^[\x21-\x7e]{16,512}$/.test(secret)) {
  console.error(`${name}: MIGRATION_SECRET must be 16-512 visible ASCII characters (the service's migration.secret)`);
  process.exit(1);
}
const server = new MigratableServer({
  secret,
  // Connections straight to the backend (nc 127.0.0.1 9111) work too; they just cannot migrate.
  proxyHeader: 'optional',
  timeouts: { headerMs: 200 },
  log: { info: (o, m) => log(m, o), warn: (o, m) => log(m, o) },
});

server.on('connection', (conn) => {
  const st: State = { next: 1, sum: 0, partial: '', ...(conn.imported as Partial<State> | undefined) };
  conn.exportState = () => ({ ...st });
  log(conn.imported ? 'connection resumed' : 'connection', { id: conn.id, client: conn.client, state: st });
  conn.setEncoding('latin1');
  conn.on('data', (text: string) => {
    st.partial += text;
    let nl: number;
    while ((nl = st.partial.indexOf('\n')) >= 0) {
      const n = Number(st.partial.slice(0, nl).trim());
      st.partial = st.partial.slice(nl + 1);
      if (Number.isFinite(n)) st.sum += n;
      conn.write(`sum ${st.sum} from ${name}\n`);
    }
  });
  const timer = setInterval(() => {
    if (!conn.writableEnded) conn.write(`seq ${st.next++} from ${name}\n`);
  }, tickMs);
  conn.on('migrated', () => log('connection migrated', { id: conn.id, state: st, bytesIn: conn.bytesIn, bytesOut: conn.bytesOut }));
  conn.on('close', () => clearInterval(timer));
});

server
  .listen({ port, host, controlPort })
  .then((p) => log('migratable backend listening', { url: `tcp://${host}:${p.port}`, control: `http://${host}:${p.controlPort}` }))
  .catch((err: unknown) => {
    console.error(`${name}: cannot listen: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });

const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
