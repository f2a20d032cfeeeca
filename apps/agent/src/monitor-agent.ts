// One agent-check probe (HAProxy compatible): connect to the backend's agent port, send the
// optional text, read one line (up to LF, or what came before the agent closed), within the
// timeout. The line's meaning is core's (parseAgentLine); the probe only fetches it.
import net from 'node:net';
import { parseAgentLine } from '@spillway/core';
import type { ProbeResult } from './monitor-tcp.js';

/** HAProxy reads at most one buffer of an agent's answer; a line longer than this is cut. */
const MAX_LINE = 1024;

export function probeAgent(host: string, port: number, timeoutMs: number, send?: string): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let text = '';
    const socket = net.connect({ host, port });
    const done = (ok: boolean, reason?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const line = text.split(/\r?\n/, 1)[0]!.slice(0, MAX_LINE);
      resolve({ ok, responseMs: performance.now() - started, ...(reason ? { reason } : {}), ...(ok ? { report: parseAgentLine(line), line } : {}) });
    };
    const timer = setTimeout(() => done(false, `no agent line within ${timeoutMs} ms`), timeoutMs);
    socket.setEncoding('latin1');
    socket.once('connect', () => {
      if (send !== undefined && send !== '') socket.write(send);
    });
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n') || text.length >= MAX_LINE) done(true);
    });
    // An agent may answer and close without a line end.
    socket.once('end', () => (text === '' ? done(false, 'agent closed without a line') : done(true)));
    socket.once('error', (err: NodeJS.ErrnoException) => done(false, err.code ?? err.message));
  });
}
