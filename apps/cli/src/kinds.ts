// The kinds of object `get` and `delete` name, with the spellings people type.
import { CliError } from './errors.js';

export type Kind = 'vserver' | 'service' | 'monitor' | 'agent' | 'api-token' | 'agent-token';

const ALIASES: Record<string, Kind> = {
  vserver: 'vserver',
  vservers: 'vserver',
  vs: 'vserver',
  service: 'service',
  services: 'service',
  svc: 'service',
  monitor: 'monitor',
  monitors: 'monitor',
  mon: 'monitor',
  agent: 'agent',
  agents: 'agent',
  'api-token': 'api-token',
  'api-tokens': 'api-token',
  token: 'api-token',
  tokens: 'api-token',
  'agent-token': 'agent-token',
  'agent-tokens': 'agent-token',
};

export function parseKind(s: string): Kind {
  const k = ALIASES[s.toLowerCase()];
  if (!k) throw new CliError('SPILLWAY_CLI_USAGE', `unknown kind ${JSON.stringify(s)}: one of vserver, service, monitor, agent, api-token, agent-token`);
  return k;
}
