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

/** What a probe calls once it knows: the first call settles the probe, later ones do nothing. */
export type ProbeFinish = (ok: boolean, reason?: string, extra?: Pick<ProbeResult, 'error' | 'report' | 'line'>) => void;

/**
 * One probe's skeleton, shared by every type: timed from now, settled once (the first verdict
 * wins), failed with `timeoutReason` at `timeoutMs`. `start` begins the exchange and returns what
 * ends it (closes its socket), called once the probe settles. Never rejects.
 */
export function timedProbe(timeoutMs: number, timeoutReason: string, start: (finish: ProbeFinish) => (() => void) | undefined): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let end: (() => void) | undefined;
    const finish: ProbeFinish = (ok, reason, extra) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      end?.();
      resolve({ ok, responseMs: performance.now() - started, ...(reason ? { reason } : {}), ...extra });
    };
    const timer = setTimeout(() => finish(false, timeoutReason), timeoutMs);
    end = start(finish);
    // Settled while starting (a request that could not be sent): end what was begun now.
    if (settled) end?.();
  });
}

export function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return timedProbe(timeoutMs, `no connection within ${timeoutMs} ms`, (finish) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => finish(true));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(false, err.code ?? err.message));
    return () => socket.destroy();
  });
}
