// A migratable backend process of the live-migration e2e test, built on @spillway/migration (run
// as plain JavaScript on its dist/, `node --conditions=spillway-dist`, so that a process starts
// in tens of milliseconds): each connection streams `<seq> <sum>\n` every TICK_MS (seq counts
// from 0; sum is the running sum of the numbers the client sent, one per line). Its state is
// { seq, sum, partial } (partial: a number the client has sent only part of), so a migration may
// fall anywhere in the byte stream. Prints one JSON line when listening ({ ready, port,
// controlPort }) and one each time its number of open connections changes ({ open }).
// REFUSE_IMPORTS=1: it refuses every import (a target that says no).
import { MigratableServer } from '@spillway/migration';

const secret = process.env.MIGRATION_SECRET ?? '';
const tickMs = Number(process.env.TICK_MS ?? 20);
const refuse = process.env.REFUSE_IMPORTS === '1';
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

const server = new MigratableServer({ secret, acceptImport: () => !refuse });
let open = 0;

server.on('connection', (conn) => {
  const st = conn.imported ? { ...conn.imported } : { seq: 0, sum: 0, partial: '' };
  conn.exportState = () => ({ ...st });
  open++;
  out({ open });
  conn.on('data', (chunk) => {
    const lines = (st.partial + chunk.toString('latin1')).split('\n');
    st.partial = lines.pop() ?? '';
    for (const l of lines) if (l !== '') st.sum += Number(l);
  });
  const timer = setInterval(() => {
    if (!conn.writableEnded) conn.write(`${st.seq++} ${st.sum}\n`);
  }, tickMs);
  conn.on('close', () => {
    clearInterval(timer);
    open--;
    out({ open });
  });
});

server.listen({ port: 0, host: '127.0.0.1', controlPort: 0 }).then(
  (p) => out({ ready: true, port: p.port, controlPort: p.controlPort }),
  (err) => {
    process.stderr.write(`cannot listen: ${String(err)}\n`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
