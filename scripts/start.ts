// `npm start`: the whole system on its embedded defaults, in one terminal.
// Starts the control plane (which starts embedded Postgres and applies migrations), one agent and
// a demo pool of three HTTP backends and a migratable pool of two TCP backends (live migration,
// demo/migration.json); prints the URLs; Ctrl-C stops all of it cleanly.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(process.env.SPILLWAY_DATA_DIR ?? path.join(root, '.data'));
const apiPort = Number(process.env.SPILLWAY_PORT ?? 3000);
const agentAdminPort = Number(process.env.SPILLWAY_AGENT_ADMIN_PORT ?? 9090);
const demoConfig = path.join(root, 'demo', 'config.json');
/** The migratable pool (issue 15): its services, with their migration endpoints and shared secret, and the demo-stream vserver. */
const migrationConfig = path.join(root, 'demo', 'migration.json');
const migratable = (
  JSON.parse(readFileSync(migrationConfig, 'utf8')) as { services: Array<{ name: string; port: number; migration: { port: number; secret: string } }> }
).services;
// `node --import tsx` rather than the tsx binary: no intermediate process, so a signal (even
// SIGKILL after the grace period) reaches the program itself and nothing is left behind.
const nodeArgs = ['--import', 'tsx'];

// The control plane and the agent run compiled, as in production: `tsc -b` of both first
// (incremental: a no-op when dist/ is current; a fresh clone builds here), then node on dist/ with
// @spillway/* resolved to their dist/ too. Should the build fail, both run from their sources
// under tsx (with a warning).
const built = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'apps/control-plane', 'apps/agent'], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) console.error('spillway: warning: tsc -b apps/control-plane apps/agent failed; they run from their TypeScript sources under tsx');
/** node's arguments for `apps/<app>/<entry>`: its compiled dist/ file, or its source under tsx when the build failed. */
const appEntry = (app: string, entry: string): string[] =>
  built.status === 0 ? ['--conditions=spillway-dist', `apps/${app}/dist/${entry}.js`] : ['--import', 'tsx', `apps/${app}/src/${entry}.ts`];
const agentMain = appEntry('agent', 'main');

mkdirSync(dataDir, { recursive: true });
// The demo keeps one admin token across restarts so that this script can provision the demo
// configuration; it is stored with the data, never printed in logs.
const tokenFile = path.join(dataDir, 'admin-token');
const adminToken =
  process.env.SPILLWAY_ADMIN_TOKEN ??
  (existsSync(tokenFile)
    ? readFileSync(tokenFile, 'utf8').trim()
    : (() => {
        const t = `spw_${randomBytes(24).toString('base64url')}`;
        writeFileSync(tokenFile, t, { mode: 0o600 });
        return t;
      })());

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

/** `args` after node's own: tsx unless `compiled` (they name a node flag and a .js file themselves). */
function run(name: string, args: string[], env: Record<string, string> = {}, compiled = false): ChildProcess {
  const child = spawn(process.execPath, compiled ? args : [...nodeArgs, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push({ name, child });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`spillway: ${name} exited (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  return child;
}

async function waitFor(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Agent and backends first, the control plane (and with it Postgres) last.
  const order = [...children].reverse();
  for (const { child } of order) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(
    order.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 15_000);
          child.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
        }),
    ),
  );
  process.exit(code);
}

/** The demo agent's token, issued once through the API and kept with the data; null when the API or hub cannot provide one. */
async function demoAgentToken(): Promise<string | null> {
  const file = path.join(dataDir, 'agent-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` };
  try {
    const hub = await fetch(`${apiUrl}/v1/agents`, { headers });
    if (!hub.ok) return null;
    // A token of that name from an earlier data directory cannot be shown again: reissue it.
    await fetch(`${apiUrl}/v1/agent-tokens/demo-agent`, { method: 'DELETE', headers: { authorization: headers.authorization } });
    const res = await fetch(`${apiUrl}/v1/agent-tokens`, { method: 'POST', headers, body: JSON.stringify({ name: 'demo-agent', agent: 'demo-agent' }) });
    if (!res.ok) return null;
    const { token } = (await res.json()) as { token: string };
    writeFileSync(file, token, { mode: 0o600 });
    return token;
  } catch {
    return null;
  }
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

run(
  'control-plane',
  appEntry('control-plane', 'server'),
  {
    SPILLWAY_PORT: String(apiPort),
    SPILLWAY_DATA_DIR: dataDir,
    SPILLWAY_ADMIN_TOKEN: adminToken,
  },
  true,
);
for (const [i, port] of [9101, 9102, 9103].entries()) {
  run(`backend-${i + 1}`, ['demo/backend.ts'], { BACKEND_NAME: `demo-${i + 1}`, BACKEND_PORT: String(port) });
}
for (const s of migratable) {
  run(s.name, ['demo/migratable-backend.ts'], {
    BACKEND_NAME: s.name,
    BACKEND_PORT: String(s.port),
    MIGRATION_PORT: String(s.migration.port),
    MIGRATION_SECRET: s.migration.secret,
  });
}

const apiUrl = `http://127.0.0.1:${apiPort}`;
if (!(await waitFor(`${apiUrl}/readyz`, 60_000))) {
  if (!stopping) {
    console.error('spillway: the control plane did not become ready within 60 s');
    await stop(1);
  }
} else {
  // Provision the demo configuration (idempotent: a second start changes nothing).
  const res = await fetch(`${apiUrl}/v1/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: readFileSync(demoConfig, 'utf8'),
  }).catch((err: Error) => ({ ok: false, status: 0, text: async () => err.message }));
  if (!res.ok) console.error(`spillway: warning: could not provision the demo config (${res.status}): ${await res.text()}`);
  // The migratable pool next to it (a PUT without prune adds to what is there).
  const moved = await fetch(`${apiUrl}/v1/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: readFileSync(migrationConfig, 'utf8'),
  }).catch((err: Error) => ({ ok: false, status: 0, text: async () => err.message }));
  if (!moved.ok) console.error(`spillway: warning: could not provision the migration demo (${moved.status}): ${await moved.text()}`);

  // The agent is managed by the control plane when the agent hub and an agent token are
  // available; otherwise it runs standalone on the demo config file.
  const agentToken = res.ok ? await demoAgentToken() : null;
  if (agentToken) {
    run(
      'agent',
      agentMain,
      {
        SPILLWAY_AGENT_ADMIN_PORT: String(agentAdminPort),
        SPILLWAY_CONTROL_PLANE_URL: apiUrl,
        SPILLWAY_AGENT_TOKEN: agentToken,
        SPILLWAY_AGENT_NAME: 'demo-agent',
      },
      true,
    );
  } else {
    console.error('spillway: warning: the agent runs standalone on demo/config.json (the control plane offers no agent hub or agent token yet)');
    const env: Record<string, string> = { SPILLWAY_AGENT_ADMIN_PORT: String(agentAdminPort), SPILLWAY_CONTROL_PLANE_URL: '' };
    run('agent', [...agentMain, '--config', demoConfig], env, true);
  }
  await waitFor(`http://127.0.0.1:${agentAdminPort}/healthz`, 30_000);
  console.log(
    [
      '',
      'Spillway is running:',
      `  REST API        ${apiUrl}/v1  (admin token in ${path.relative(root, tokenFile)})`,
      `  dashboard       ${apiUrl}/ui/  (paste the admin token, or a reader token)`,
      `  API docs        ${apiUrl}/docs`,
      `  readiness       ${apiUrl}/readyz`,
      `  demo vserver    http://127.0.0.1:8080/  (agent, spills to demo-overflow)`,
      `  agent stats     http://127.0.0.1:${agentAdminPort}/stats`,
      `  demo backends   http://127.0.0.1:9101 9102 9103`,
      `  migration demo  nc 127.0.0.1 8081  (demo-stream: demo-m1, demo-m2; README "Live migration")`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}
