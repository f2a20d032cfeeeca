// The state each service is enforced with on an agent: the control plane's quorum state where it
// has given one, the agent's own monitors elsewhere and whenever the control plane is unreachable.
import { describe, expect, it } from 'vitest';
import { EnforcedHealth } from '../src/enforced-health.js';

describe('enforced health', () => {
  it("follows the quorum for the services it names and the agent's own monitors for the rest", () => {
    const own = { a: true, b: true, c: false };
    const h = new EnforcedHealth(() => ({ ...own }));
    expect(h.setQuorum({ a: 'DOWN', c: 'UP' })).toEqual({ a: false, c: true });
    expect(h.states()).toEqual({ a: false, b: true, c: true });
    expect(h.fromQuorum('a')).toBe(true);
    expect(h.fromQuorum('b')).toBe(false);
  });

  it('enforces an own transition only where the quorum says nothing', () => {
    const own: Record<string, boolean> = { a: true, b: true };
    const h = new EnforcedHealth(() => ({ ...own }));
    h.setQuorum({ a: 'UP' });
    own.a = false;
    own.b = false;
    expect(h.ownChanged({ a: false, b: false })).toEqual({ b: false });
    expect(h.states()).toEqual({ a: true, b: false });
  });

  it('returns to the own monitors when the control plane is unreachable, saying which states that changes', () => {
    const own = { a: true, b: false };
    const h = new EnforcedHealth(() => ({ ...own }));
    h.setQuorum({ a: 'DOWN', b: 'DOWN' });
    expect(h.setQuorum(null)).toEqual({ a: true });
    expect(h.states()).toEqual(own);
    expect(h.ownChanged({ b: true })).toEqual({ b: true });
  });
});
