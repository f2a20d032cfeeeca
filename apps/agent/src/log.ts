// One pino logger (JSON lines) for the whole agent; workers tag their lines with `worker`.
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(bindings: Record<string, unknown> = {}, level = process.env.SPILLWAY_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } });
}
