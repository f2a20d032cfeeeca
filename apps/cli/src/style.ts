// Colour: only when the stream is a terminal, never with NO_COLOR (no-color.org: set and not
// empty) or --no-color. Plain SGR codes; nothing to configure.
export interface Style {
  readonly enabled: boolean;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

export function colorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag: boolean): boolean {
  return flag && stream.isTTY === true && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

export function makeStyle(enabled: boolean): Style {
  const sgr =
    (open: number, close: number) =>
    (s: string): string =>
      enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return { enabled, red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), bold: sgr(1, 22), dim: sgr(2, 22) };
}
