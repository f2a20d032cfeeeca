// Where the CLI finds its control plane and token: flags, then SPILLWAY_URL / SPILLWAY_TOKEN,
// then the config file ($XDG_CONFIG_HOME/spillway/config.yaml, default ~/.config/spillway/config.yaml,
// keys `url` and `token`), then http://127.0.0.1:3000 without a token.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { CliError } from './errors.js';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

export interface Settings {
  url: string;
  token: string | undefined;
  source: { url: string; token: string };
}

export function configFilePath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(env.HOME ?? os.homedir(), '.config');
  return path.join(base, 'spillway', 'config.yaml');
}

function readConfigFile(file: string): { url?: string; token?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError('SPILLWAY_CLI_CONFIG_FILE', `cannot read ${file}: ${(err as Error).message}`);
  }
  let v: unknown;
  try {
    v = parse(text);
  } catch (err) {
    throw new CliError('SPILLWAY_CLI_CONFIG_FILE', `${file} is not valid YAML: ${(err as Error).message}`);
  }
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new CliError('SPILLWAY_CLI_CONFIG_FILE', `${file} must be a mapping with url and token`);
  const o = v as Record<string, unknown>;
  const out: { url?: string; token?: string } = {};
  for (const k of ['url', 'token'] as const) {
    if (o[k] === undefined || o[k] === null) continue;
    if (typeof o[k] !== 'string')
      throw new CliError('SPILLWAY_CLI_CONFIG_FILE', `${file}: ${k} must be a string`, [{ path: `/${k}`, message: 'must be a string' }]);
    out[k] = o[k];
  }
  return out;
}

export function resolveSettings(flags: { url?: string; token?: string }, env: NodeJS.ProcessEnv): Settings {
  const needFile = (flags.url === undefined && !env.SPILLWAY_URL) || (flags.token === undefined && !env.SPILLWAY_TOKEN);
  const file = configFilePath(env);
  const fromFile = needFile ? readConfigFile(file) : {};
  const pick = (flag: string | undefined, envName: string, fileValue: string | undefined): [string | undefined, string] =>
    flag !== undefined ? [flag, 'flag'] : env[envName] ? [env[envName], envName] : fileValue !== undefined ? [fileValue, file] : [undefined, 'default'];
  const [url, urlSource] = pick(flags.url, 'SPILLWAY_URL', fromFile.url);
  const [token, tokenSource] = pick(flags.token, 'SPILLWAY_TOKEN', fromFile.token);
  const base = url ?? DEFAULT_URL;
  try {
    const u = new URL(base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new CliError('SPILLWAY_CLI_BAD_URL', `the control plane URL ${JSON.stringify(base)} (from ${urlSource}) is not an http(s) URL`);
  }
  return { url: base.replace(/\/+$/, ''), token, source: { url: urlSource, token: tokenSource } };
}
