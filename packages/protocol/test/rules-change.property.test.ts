// validateChange (the rules run on what a change can affect) decides as validateDocument (the rules
// on the whole document) does: over random documents without problems and random changes of one
// object (an upsert or a removal, references, ports and backups drawn from small name pools so
// they collide), the change finds the problems the whole document has, by object and path.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalizeDocument,
  ResourceSet,
  validateChange,
  validateDocument,
  type Changes,
  type DocumentChange,
  type NDocument,
  type Problem,
} from '../src/index.js';

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const MONITORS = ['m0', 'm1', 'm2'];
const SERVICES = ['s0', 's1', 's2', 's3'];
const VSERVERS = ['v0', 'v1', 'v2', 'v3', 'v4'];

const monitor = (name?: string) =>
  fc.record({
    name: name === undefined ? pick(MONITORS) : fc.constant(name),
    type: pick(['tcp', 'http'] as const),
    intervalMs: pick([100, 200]),
    timeoutMs: pick([50, 50, 150, 250]),
    weight: pick([1, 2]),
  });
const service = (name?: string, monitors: readonly string[] = MONITORS) =>
  fc.record(
    {
      name: name === undefined ? pick(SERVICES) : fc.constant(name),
      address: fc.constant('10.0.0.1'),
      port: fc.constant(8080),
      capacity: pick([10, 20]),
      monitors: (monitors.length === 0 ? fc.constant([]) : fc.uniqueArray(pick(monitors), { maxLength: 2 })).map((ms) => ms.map((monitor) => ({ monitor }))),
      monitorThreshold: pick([1, 2, 3, 5]),
    },
    { requiredKeys: ['name', 'address', 'port', 'capacity', 'monitors'] },
  );
const vserver = (name?: string, services: readonly string[] = SERVICES, backups: readonly string[] = VSERVERS) =>
  fc
    .record({
      name: name === undefined ? pick(VSERVERS) : fc.constant(name),
      protocol: pick(['tcp', 'http'] as const),
      port: pick([null, 7000, 7001, 7002]),
      services: services.length === 0 ? fc.constant([]) : fc.uniqueArray(pick(services), { maxLength: 3 }),
      backup: pick([null, ...backups]),
      redirect: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    })
    .map((v) => ({
      name: v.name,
      protocol: v.protocol,
      listen: v.port === null ? null : { port: v.port },
      services: v.services.map((s) => ({ service: s })),
      spillover: {
        methods: [{ type: 'dynamicconnection' }],
        ...(v.backup === null ? {} : { backup: v.backup }),
        ...(v.redirect ? { action: 'redirect', redirectUrl: 'http://sorry.example/' } : { action: 'drop' }),
      },
    }));

const byName = <T extends { name: string }>(list: T[]): T[] => {
  const seen = new Map(list.map((o) => [o.name, o]));
  return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
};

/** The document without the objects that have problems, until none is left (a valid document of varied shape). */
function prune(doc: NDocument): NDocument {
  for (;;) {
    const bad = validateDocument(doc);
    if (bad.length === 0) return doc;
    const drop = new Set(bad.map((p) => `${p.kind}:${p.name}`));
    doc = {
      services: doc.services.filter((s) => !drop.has(`service:${s.name}`)),
      monitors: doc.monitors.filter((m) => !drop.has(`monitor:${m.name}`)),
      vservers: doc.vservers.filter((v) => !drop.has(`vserver:${v.name}`)),
    };
  }
}

/** A document whose bindings name what it has (most objects survive `prune`): monitors, then services bound to them, then vservers. */
const document = fc
  .uniqueArray(monitor(), { maxLength: 3, selector: (m) => m.name })
  .chain((monitors) =>
    fc
      .uniqueArray(
        service(
          undefined,
          monitors.map((m) => m.name),
        ),
        { maxLength: 4, selector: (x) => x.name },
      )
      .chain((services) =>
        fc
          .uniqueArray(
            vserver(
              undefined,
              services.map((x) => x.name),
            ),
            { maxLength: 5, selector: (v) => v.name },
          )
          .map((vservers) => ({ monitors, services, vservers })),
      ),
  )
  .map((d) => prune(normalizeDocument({ monitors: byName(d.monitors), services: byName(d.services), vservers: byName(d.vservers) })));

type Edit = { kind: 'monitors' | 'services' | 'vservers'; name: string; upsert: unknown };
const edit: fc.Arbitrary<Edit> = fc.oneof(
  pick(MONITORS).chain((name) => fc.record({ kind: fc.constant('monitors' as const), name: fc.constant(name), upsert: fc.option(monitor(name)) })),
  pick(SERVICES).chain((name) => fc.record({ kind: fc.constant('services' as const), name: fc.constant(name), upsert: fc.option(service(name)) })),
  pick(VSERVERS).chain((name) => fc.record({ kind: fc.constant('vservers' as const), name: fc.constant(name), upsert: fc.option(vserver(name)) })),
);

/** `doc` with one object replaced, added or removed, and that change as validateChange reads it. */
function applyEdit(doc: NDocument, e: Edit): { next: NDocument; change: DocumentChange; resources: Changes } {
  const one = e.upsert === null ? [] : normalizeDocument({ [e.kind]: [e.upsert] })[e.kind];
  const list = [...(doc[e.kind] as Array<{ name: string }>).filter((o) => o.name !== e.name), ...one].sort((a, b) => (a.name < b.name ? -1 : 1));
  const next = { ...doc, [e.kind]: list };
  const none = { services: [], monitors: [], vservers: [] };
  const before = doc.vservers.find((v) => v.name === e.name);
  return {
    next,
    change: {
      upserted: { ...none, [e.kind]: e.upsert === null ? [] : [e.name] },
      removed: { ...none, [e.kind]: e.upsert === null ? [e.name] : [] },
      formerPorts: e.kind === 'vservers' && before?.listen ? [before.listen.port] : [],
    },
    // The same change as the resources' (objects upserted, names removed): what ResourceSet.viewAfter reads.
    resources: {
      upserted: { ...none, [e.kind]: one },
      removed: { ...none, [e.kind]: e.upsert === null ? [e.name] : [] },
    },
  };
}

const CYCLE = 'SPILLWAY_SPILLOVER_CHAIN_CYCLE';
const keys = (ps: Problem[]): string[] =>
  ps
    .filter((p) => p.code !== CYCLE)
    .map((p) => `${p.code} ${p.kind} ${p.name} ${p.path}`)
    .sort();

describe('validateChange', () => {
  it('finds the problems a change of one object adds as validateDocument finds them in the whole document (cycles: whether there is one)', () => {
    let refused = 0;
    fc.assert(
      fc.property(document, fc.array(edit, { minLength: 1, maxLength: 4 }), (start, edits) => {
        let doc = start;
        // The document held by name and indexed, moved on with each change (an agent's document, the control plane's write path).
        const set = new ResourceSet();
        set.reset(start);
        for (const e of edits) {
          const { next, change, resources } = applyEdit(doc, e);
          const whole = validateDocument(next);
          const changed = validateChange(next, change);
          expect(keys(changed)).toEqual(keys(whole));
          expect(changed.some((p) => p.code === CYCLE)).toBe(whole.some((p) => p.code === CYCLE));
          // On the index the same problems are found (a rule between two objects may name the other one: the change's comes last).
          const indexed = validateChange(set.viewAfter(resources), change);
          expect(new Set(indexed.map((p) => p.code))).toEqual(new Set(changed.map((p) => p.code)));
          if (whole.length > 0) {
            refused++;
            return;
          }
          set.apply(resources);
          doc = next;
        }
      }),
      { numRuns: 2_000 },
    );
    // The draws make both outcomes common.
    expect(refused).toBeGreaterThan(200);
  });
});
