// Property: decide never sends a connection to a vserver whose connection limit is exhausted.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  createBalancer,
  decide,
  hasRoom,
  PersistenceTable,
  persistenceKey,
  resolveChain,
  type Candidate,
  type ChainVServer,
  type LiveState,
  type ServiceStatus,
  type SpilloverMethod,
} from '../src/index.js';
import { check, serviceStatus, spilloverFields } from './arbitraries.js';

const service = serviceStatus(10);

const vserverSpec = fc.record({
  ...spilloverFields(20),
  active: fc.integer({ min: 0, max: 25 }),
  services: fc.array(service, { maxLength: 3 }),
  kbps: fc.record({ in: fc.integer({ min: 0, max: 100 }), out: fc.integer({ min: 0, max: 100 }) }),
});

const scenario = fc.record({
  specs: fc.array(vserverSpec, { minLength: 1, maxLength: 6 }),
  persisted: fc.option(fc.record({ index: fc.integer({ min: -1, max: 6 }), live: fc.boolean(), ageMs: fc.integer({ min: 0, max: 2000 }) })),
});

/** The connection limit computed independently of the policy module. */
function limitOf(spec: { methods: SpilloverMethod[]; combine: 'any' | 'all' }, services: ServiceStatus[]): number | null {
  const dyn = services.reduce((s, x) => s + (x.state === 'enabled' && x.up ? x.capacity : 0), 0);
  const conn = spec.methods.flatMap((m) => (m.type === 'connection' ? [m.threshold] : m.type === 'dynamicconnection' ? [dyn] : []));
  if (conn.length === 0) return null;
  if (spec.combine === 'all') return conn.length === spec.methods.length ? Math.max(...conn) : null;
  return Math.min(...conn);
}

describe('decide (property)', () => {
  it('never returns a vserver whose connection limit is exhausted or that has no UP enabled service', () => {
    fc.assert(
      fc.property(scenario, ({ specs, persisted }) => {
        const names = specs.map((_, i) => `v${i}`);
        const vservers: ChainVServer[] = specs.map((s, i) => ({
          name: names[i]!,
          protocol: 'http',
          spillover: { methods: s.methods, combine: s.combine, backup: names[i + 1] ?? null, action: s.action, redirectUrl: s.redirectUrl },
        }));
        const live = new Map<string, LiveState>(specs.map((s, i) => [names[i]!, { activeConnections: s.active, services: s.services, kbps: s.kbps }]));
        const now = 10_000;
        const table = new PersistenceTable<string>(() => now);
        if (persisted) {
          const key = persistenceKey('v0', 'client');
          table.set(key, names[persisted.index] ?? 'elsewhere', 1000 - persisted.ageMs);
          if (persisted.live) table.hold(key);
        }
        const d = decide('client', resolveChain('v0', vservers), live, table, now);
        check(names.includes(d.vserver), 'the decision names a vserver of the chain');
        if (d.kind === 'vserver') {
          const i = names.indexOf(d.vserver);
          const spec = specs[i]!;
          const limit = limitOf(spec, spec.services);
          check(limit === null || spec.active < limit, `${d.vserver} has room under its limit ${limit} (active ${spec.active})`);
          check(
            spec.services.some((s) => s.state === 'enabled' && s.up),
            `${d.vserver} has an UP enabled service`,
          );
          check(d.spilled === i > 0, 'spilled ⇔ not the entry');
        }
        if (d.kind === 'accept')
          check(
            specs[names.indexOf(d.vserver)]!.services.some((s) => s.state === 'enabled' && s.up),
            'accept only where a service is UP',
          );
        if (d.kind === 'redirect') check(d.url === 'https://busy.example.com/', 'redirect carries the configured URL');
        for (let i = 0; i < d.path.length - 1; i++) check(d.path[i + 1] === names[names.indexOf(d.path[i]!) + 1], 'the path follows backups');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('balancers (property)', () => {
  const candidate: fc.Arbitrary<Candidate> = fc.record({
    name: fc.constantFrom('a', 'b', 'c', 'd'),
    weight: fc.integer({ min: 0, max: 5 }),
    active: fc.integer({ min: 0, max: 5 }),
    capacity: fc.integer({ min: 0, max: 5 }),
    available: fc.boolean(),
  });

  it('never pick a service that is unavailable or at capacity, and pick one whenever one has room and weight', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('roundrobin' as const, 'leastconn' as const, 'weighted' as const, 'sourceip' as const, 'availablecapacity' as const),
        fc.array(fc.array(candidate, { maxLength: 5 }), { maxLength: 20 }),
        (method, rounds) => {
          const b = createBalancer(method);
          rounds.forEach((cs, i) => {
            const uniq = [...new Map(cs.map((c) => [c.name, c])).values()];
            const got = b.pick(uniq, `10.0.0.${i}`);
            const open = uniq.filter(hasRoom);
            if (got !== null)
              check(
                open.some((c) => c.name === got),
                `${method} picked ${got} with room`,
              );
            // Weight 0 is never picked, by any method (the contract's "0: never picked").
            if (got !== null) check(uniq.find((c) => c.name === got)!.weight > 0, `${method} picked ${got} of weight 0`);
            if (open.some((c) => c.weight > 0)) check(got !== null, `${method} picks when a service has room and weight`);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
