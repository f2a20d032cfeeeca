// A managed agent, configured by the control plane: `tsx apps/agent/src/main.ts` with
// SPILLWAY_CONTROL_PLANE_URL set (or this file directly).
// Env: SPILLWAY_CONTROL_PLANE_URL (the control plane's http(s):// base URL, or the ws(s):// URL of
// /v1/agents/connect), SPILLWAY_AGENT_TOKEN, SPILLWAY_AGENT_LISTEN_HOST (the address pushed
// listeners bind: several agents on one host), SPILLWAY_AGENT_RECONNECT_MAX_MS (cap of the redial
// backoff, default 10 s), plus the agent's own (SPILLWAY_AGENT_NAME, SPILLWAY_AGENT_WORKERS,
// SPILLWAY_AGENT_ADMIN_PORT, SPILLWAY_AGENT_SITE, SPILLWAY_AGENT_ADVERTISE_HOST: docs/SITES.md). It starts with nothing to serve and a local file is optional
// (--config: served until the first snapshot).
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createAgent } from '../agent.js';
import { startAdminServer } from '../admin-server.js';
import { createLogger } from '../log.js';
import { installProcessGuards } from '../process-guard.js';
import { channelUrl, ControlClient } from './control-client.js';

const log = createLogger({ role: 'primary' });
installProcessGuards(log);
const base = process.env.SPILLWAY_CONTROL_PLANE_URL;
const token = process.env.SPILLWAY_AGENT_TOKEN;
const url = base ? channelUrl(base) : null;
if (!url || !token) {
  process.stderr.write('spillway-agent: set SPILLWAY_CONTROL_PLANE_URL (http://host:port of the control plane) and SPILLWAY_AGENT_TOKEN\n');
  process.exit(2);
}
const i = process.argv.indexOf('--config');
const configPath = i >= 0 ? process.argv[i + 1] : undefined;
const doc: unknown = configPath ? JSON.parse(readFileSync(configPath, 'utf8')) : { services: [], monitors: [], vservers: [] };

const agent = await createAgent({ config: doc, ...(configPath ? { configPath } : {}), env: process.env, log });
// Managed: the configuration comes from the control plane only (POST /reload is a 409).
const admin = await startAdminServer(agent, {
  port: agent.config.agent.adminPort,
  host: agent.config.agent.adminHost,
  token: agent.config.agent.adminToken,
  managed: true,
});
const listenHost = process.env.SPILLWAY_AGENT_LISTEN_HOST;
const advertiseHost = process.env.SPILLWAY_AGENT_ADVERTISE_HOST;
const maxMs = Number(process.env.SPILLWAY_AGENT_RECONNECT_MAX_MS ?? '');
const control = new ControlClient({
  url,
  token,
  agent,
  log,
  ...(listenHost ? { listenHost } : {}),
  ...(advertiseHost ? { advertiseHost } : {}),
  ...(Number.isInteger(maxMs) && maxMs > 0 ? { backoff: { maxMs } } : {}),
});
control.start();
const adminPort = (admin.address() as AddressInfo).port;
log.info({ event: 'agent_ready', adminPort, control: url }, 'managed agent ready');
process.stdout.write(`${JSON.stringify({ ready: true, adminPort, listeners: agent.ports(), pid: process.pid })}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  admin.close();
  control
    .stop()
    .then(() => agent.close())
    .then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ event: 'shutdown_failed', err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
