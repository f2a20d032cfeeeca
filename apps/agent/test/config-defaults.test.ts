// The agent reads a vserver's upstream timeout and listen host with the API's defaults and rules
// (VSERVER_DEFAULTS and listenHostProblem of @spillway/protocol): a document means the same thing
// whether it comes from a file or from the control plane.
import { CLIENT_TIMEOUT_DEFAULTS, VSERVER_DEFAULTS } from '@spillway/protocol';
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../src/config.js';
import { AgentError } from '../src/errors.js';

const vs = (extra: Record<string, unknown>) => ({ vservers: [{ name: 'web', protocol: 'http', listen: { port: 8080 }, ...extra }] });

describe('a vserver of an agent document', () => {
  it("gets the API's defaults for timeoutMs and listen.host", () => {
    const v = parseAgentConfig(vs({})).vservers[0]!;
    expect(v.timeoutMs).toBe(VSERVER_DEFAULTS.timeoutMs);
    expect(v.listen).toEqual({ port: 8080, host: VSERVER_DEFAULTS.listenHost });
    const set = parseAgentConfig(vs({ timeoutMs: 250, listen: { port: 8080, host: '::1' } })).vservers[0]!;
    expect(set).toMatchObject({ timeoutMs: 250, listen: { port: 8080, host: '::1' } });
  });

  it('refuses a listen host that is not an IP address and a timeout that is not a positive integer, with their paths', () => {
    let err: unknown;
    try {
      parseAgentConfig(vs({ timeoutMs: 0, listen: { port: 8080, host: 'localhost' } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AgentError);
    expect((err as AgentError).details.map((d) => d.path).sort()).toEqual(['/vservers/0/listen/host', '/vservers/0/timeoutMs']);
  });

  it('gets the client-side timeouts of CLIENT_TIMEOUT_DEFAULTS, and refuses one that is not a positive integer with its path', () => {
    expect(parseAgentConfig(vs({})).vservers[0]).toMatchObject(CLIENT_TIMEOUT_DEFAULTS);
    expect(parseAgentConfig(vs({ headersTimeoutMs: 500, keepAliveTimeoutMs: 600, clientTimeoutMs: 700 })).vservers[0]).toMatchObject({
      headersTimeoutMs: 500,
      keepAliveTimeoutMs: 600,
      clientTimeoutMs: 700,
    });
    let err: unknown;
    try {
      parseAgentConfig(vs({ headersTimeoutMs: 0, clientTimeoutMs: 'soon' }));
    } catch (e) {
      err = e;
    }
    expect((err as AgentError).details.map((d) => d.path).sort()).toEqual(['/vservers/0/clientTimeoutMs', '/vservers/0/headersTimeoutMs']);
  });
});
