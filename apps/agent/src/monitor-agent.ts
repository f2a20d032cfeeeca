// One agent-check probe (HAProxy compatible): connect to the backend's agent port, send the
// optional text, read one line (up to LF, or what came before the agent closed), within the
// timeout. The line's meaning is core's (parseAgentLine); the probe only fetches it.
import net from 'node:net';
import { parseAgentLine } from '@spillway/core';
import { timedProbe, type ProbeResult } from './monitor-tcp.js';

/** HAProxy reads at most one buffer of an agent's answer; a line longer than this is cut. */
const MAX_LINE = 1024;

export function probeAgent(host: string, port: number, timeoutMs: number, send?: string): Promise<ProbeResult> {
  return timedProbe(timeoutMs, `no agent line within ${timeoutMs} ms`, (finish) => {
    let text = '';
    const answered = (): void => {
      const line = text.split(/\r?\n/, 1)[0]!.slice(0, MAX_LINE);
      finish(true, undefined, { report: parseAgentLine(line), line });
    };
    const socket = net.connect({ host, port });
    socket.setEncoding('latin1');
    socket.once('connect', () => {
      if (send !== undefined && send !== '') socket.write(send);
    });
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n') || text.length >= MAX_LINE) answered();
    });
    // An agent may answer and close without a line end.
    socket.once('end', () => (text === '' ? finish(false, 'agent closed without a line') : answered()));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(false, err.code ?? err.message));
    return () => socket.destroy();
  });
}
