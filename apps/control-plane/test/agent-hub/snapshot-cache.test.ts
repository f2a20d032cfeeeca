// The hub's delta log (snapshot-cache.ts): past its size it drops its oldest versions, which can
// no longer be a base, while every version still in it answers with the one delta of what
// changed since.
import { describe, expect, it } from 'vitest';
import type { ConfigDocument } from '@spillway/protocol';
import { SnapshotCache } from '../../src/agent-hub/snapshot-cache.js';
import { tcpService } from './helpers.js';

const doc = (services: ConfigDocument['services']): ConfigDocument => ({ services, monitors: [], vservers: [] });

describe('SnapshotCache log', () => {
  it('forgets the versions it dropped as bases and answers every version it keeps with what changed since', () => {
    // At least 64 versions are kept; past 80 changes logged the oldest go.
    const cache = new SnapshotCache({ logChanges: 80 });
    const services = Array.from({ length: 10 }, (_, i) => tcpService(`s${i}`, 1));
    cache.set({ version: '0', config: doc(services) });
    // Version v changes service s(v % 10) alone.
    for (let v = 1; v <= 200; v++) {
      services[v % 10] = tcpService(`s${v % 10}`, v);
      cache.set({ version: String(v), config: doc([...services]) }, null);
    }
    // 200 versions of one change each, 80 kept: bases 120 ... 199 (the entry of version v holds v's change).
    for (const base of ['0', '1', '100', '119']) expect(cache.deltaSince(base), base).toBeNull();
    for (const base of [120, 150, 195, 199]) {
      const delta = cache.deltaSince(String(base));
      expect(delta, String(base)).not.toBeNull();
      // What changed since `base`: the services of versions base+1 ... 200, each at its last capacity.
      const want = new Map<string, number>();
      for (let v = base + 1; v <= 200; v++) want.set(`s${v % 10}`, v);
      const got = new Map(delta!.upserted.services.map((s) => [s.name, (s as unknown as { capacity: number }).capacity]));
      expect(got).toEqual(want);
      expect(delta!.version).toBe('200');
    }
    expect(cache.deltaSince('200')).toBeNull();
  });
});
