// One TCP probe: UP when a connection opens within the timeout.
import net from 'node:net';
import type { AgentReport } from '@spillway/core';

export interface ProbeResult {
  ok: boolean;
  responseMs: number;
  reason?: string;
  /** The probe itself could not run (its request cannot be sent), as opposed to the backend failing it. */
  error?: boolean;
  /** An agent-check probe: the line the backend answered and what it says. */
  report?: AgentReport;
  line?: string;
}

export function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean, reason?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok, responseMs: performance.now() - started, ...(reason ? { reason } : {}) });
    };
    const timer = setTimeout(() => done(false, `no connection within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', (err: NodeJS.ErrnoException) => done(false, err.code ?? err.message));
  });
}
