// The agent: `tsx apps/agent/src/main.ts --config <file.json>` (standalone), or managed by the
// control plane when SPILLWAY_CONTROL_PLANE_URL is set (control/main.ts: config and quota pushed).
// Standalone: SIGHUP reloads the file; SIGTERM/SIGINT drain connections up to agent.drainTimeoutMs and exit.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createAgent } from './agent.js';
import { startAdminServer } from './admin-server.js';
import { AgentError } from './errors.js';
import { createLogger } from './log.js';
import { installProcessGuards } from './process-guard.js';

const log = createLogger({ role: 'primary' });
installProcessGuards(log);

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function fail(code: string, message: string, details: unknown[] = []): never {
  log.error({ code, details }, message);
  process.stderr.write(`spillway-agent: ${message}\n`);
  process.exit(2);
}

if (process.env.SPILLWAY_CONTROL_PLANE_URL) await import('./control/main.js');
else await standalone();

async function standalone(): Promise<void> {
  const configPath = argValue('--config') ?? process.env.SPILLWAY_AGENT_CONFIG;
  if (!configPath) fail('SPILLWAY_AGENT_NO_CONFIG_FILE', 'no configuration: pass --config <file.json> or set SPILLWAY_AGENT_CONFIG');

  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (err) {
    fail('SPILLWAY_AGENT_CONFIG_INVALID', `cannot read ${configPath}: ${(err as Error).message}`);
  }

  let agent;
  try {
    agent = await createAgent({ config: doc, configPath, env: process.env, log });
  } catch (err) {
    if (err instanceof AgentError) fail(err.code, err.message, err.details);
    throw err;
  }
  const { adminPort, adminHost, adminToken } = agent.config.agent;
  const admin = await startAdminServer(agent, { port: adminPort, host: adminHost, token: adminToken }).catch((err: Error) => {
    agent.close().catch((closeErr: unknown) => log.error({ event: 'close_failed', err: (closeErr as Error).message }, 'closing the agent failed'));
    return fail('SPILLWAY_AGENT_ADMIN_LISTEN_FAILED', `admin server: ${err.message}`);
  });
  log.info({ event: 'admin_listening', port: (admin.address() as AddressInfo).port, listeners: agent.ports() }, 'agent ready');
  process.stdout.write(`${JSON.stringify({ ready: true, adminPort: (admin.address() as AddressInfo).port, listeners: agent.ports(), pid: process.pid })}\n`);

  process.on('SIGHUP', () => {
    agent.reload().then(
      (r) => log.info({ event: 'reload', version: r.version }, 'configuration reloaded'),
      (err: Error) => log.error({ event: 'reload_failed', err: err.message }, 'reload failed; the previous configuration keeps running'),
    );
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'shutdown', signal }, 'draining');
    admin.close();
    agent.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ event: 'shutdown_failed', err: (err as Error).message }, 'draining failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
