// What every command gets: the typed client, the resolved settings, the output format, the
// streams (with their colour decision) and a signal that aborts on Ctrl-C.
import type { Api } from './client.js';
import type { Format } from './output.js';
import type { Settings } from './settings.js';
import type { Style } from './style.js';

export interface OutStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}
export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: NodeJS.ProcessEnv;
}

export interface Ctx {
  api: Api;
  settings: Settings;
  /** --output; `explicit` is false when it is the default (table). */
  format: Format;
  explicitFormat: boolean;
  io: Io;
  /** Colour for stdout and for stderr, each decided for its own stream. */
  style: Style;
  errStyle: Style;
  out(s: string): void;
  err(s: string): void;
  /** Aborted on SIGINT/SIGTERM: --watch and --follow end cleanly. */
  signal: AbortSignal;
}
