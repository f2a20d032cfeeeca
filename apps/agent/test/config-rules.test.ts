// An agent applies the contract's rules (validateDocument of @spillway/protocol, the API's own)
// to what it serves: those a data plane needs refuse the document, with paths into it as given;
// the API's policy-only rules do not.
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../src/config.js';
import { AgentError } from '../src/errors.js';

const pathsOf = (doc: unknown): string[] => {
  try {
    parseAgentConfig(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(AgentError);
    return (e as AgentError).details.map((d) => d.path).sort();
  }
  return [];
};

describe("the contract's rules in an agent", () => {
  it('refuse an unknown reference, a backup cycle, a repeated name and a missing threshold, at their paths in the document as written', () => {
    const doc = {
      services: [
        { name: 'b', address: '10.0.0.2', port: 80 },
        { name: 'a', address: '10.0.0.1', port: 80 },
        { name: 'a', address: '10.0.0.3', port: 80 },
      ],
      vservers: [
        // Bindings not in name order: the path names the second binding as written.
        { name: 'web', protocol: 'http', listen: { port: 0 }, services: [{ service: 'b' }, { service: 'nope' }], spillover: { backup: 'web-2' } },
        { name: 'web-2', protocol: 'http', listen: { port: 0 }, spillover: { backup: 'web', methods: [{ type: 'connection' }] } },
      ],
    };
    const paths = pathsOf(doc);
    expect(paths).toContain('/vservers/0/services/1/service');
    expect(paths).toContain('/services/2/name');
    expect(paths).toContain('/vservers/1/spillover/methods/0/threshold');
    expect(paths.some((p) => p.endsWith('/spillover/backup'))).toBe(true);
  });

  it("serve a document that breaks only the API's policy (probe timeout above its interval, a monitor bound twice) and several vservers on port 0", () => {
    const doc = {
      monitors: [{ name: 'm', type: 'tcp', intervalMs: 50, timeoutMs: 500 }],
      services: [{ name: 's', address: '127.0.0.1', port: 80, monitors: [{ monitor: 'm' }, { monitor: 'm' }] }],
      vservers: [
        { name: 'v1', protocol: 'tcp', listen: { port: 0 }, services: [{ service: 's' }] },
        { name: 'v2', protocol: 'tcp', listen: { port: 0 } },
      ],
    };
    expect(pathsOf(doc)).toEqual([]);
    // The API refuses the same port twice; an agent too, for a port other than 0.
    expect(pathsOf({ vservers: [1, 2].map((i) => ({ name: `v${i}`, protocol: 'tcp', listen: { port: 8080 } })) })).toEqual(['/vservers/1/listen/port']);
  });
});
