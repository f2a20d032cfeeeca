// The configuration objects of API-SHAPE.md as REST resources: the contract's fields
// (@spillway/protocol: one definition of each field, range and default, shared with the hub and
// the agents) plus read-only metadata, the PATCH bodies, bindings as resources, the declarative
// document, plans. services/normalize.ts applies the defaults, so a document with defaults
// omitted and the same document with defaults spelled out are the same configuration.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Closed, MAX_ITEMS, Name, Nullable, Weight, monitorFields, serviceFields, siteFields, vserverFields } from '@spillway/protocol';
import { ReadOnlyMeta } from './common.js';

export const Monitor = Closed(
  { ...monitorFields, ...ReadOnlyMeta },
  {
    title: 'Monitor',
    examples: [
      {
        name: 'web-health',
        type: 'http',
        intervalMs: 5000,
        timeoutMs: 2000,
        fall: 3,
        rise: 1,
        weight: 1,
        http: { method: 'GET', path: '/healthz', expectStatus: [200], expectBody: 'ok' },
        responseTime: { maxMs: 800, maxOverAverage: 3 },
      },
    ],
  },
);
export type Monitor = Static<typeof Monitor>;

// --- services -----------------------------------------------------------------------------

export const Service = Closed(
  { ...serviceFields, ...ReadOnlyMeta },
  {
    title: 'Service',
    examples: [
      {
        name: 'web-1',
        address: '10.0.0.11',
        port: 8080,
        protocol: 'http',
        capacity: 200,
        weight: 1,
        state: 'enabled',
        monitors: [{ monitor: 'web-health' }, { monitor: 'tcp-open', weight: 1 }],
        monitorThreshold: 2,
      },
    ],
  },
);
export type Service = Static<typeof Service>;

// --- vservers -----------------------------------------------------------------------------

export const VServer = Closed(
  { ...vserverFields, ...ReadOnlyMeta },
  {
    title: 'VServer',
    examples: [
      {
        name: 'web',
        protocol: 'http',
        listen: { port: 8443, host: '0.0.0.0' },
        timeoutMs: 30000,
        headersTimeoutMs: 10000,
        keepAliveTimeoutMs: 5000,
        clientTimeoutMs: 60000,
        lbMethod: 'leastconn',
        services: [{ service: 'web-1', weight: 2 }, { service: 'web-2' }],
        persistence: { type: 'cookie', timeoutSeconds: 600 },
        spillover: {
          methods: [{ type: 'dynamicconnection' }, { type: 'bandwidth', thresholdKbps: 400000, direction: 'both' }],
          combine: 'any',
          backup: 'web-overflow',
          action: 'redirect',
          redirectUrl: 'https://status.example.com/busy',
          persistenceTimeoutSeconds: 120,
        },
        surgeQueue: { length: 200, timeoutMs: 5000 },
      },
    ],
  },
);
export type VServer = Static<typeof VServer>;

// --- PATCH bodies: every field optional, null clears an optional field -------------------------

const patchOf = (fields: Record<string, TSchema>, required: readonly string[]): Record<string, TSchema> => {
  const out: Record<string, TSchema> = {};
  for (const [k, s] of Object.entries(fields)) {
    const inner = Type.Optional(s, false);
    out[k] = Type.Optional(required.includes(k) ? inner : Nullable(inner));
  }
  return out;
};

// --- sites (docs/SITES.md) ---------------------------------------------------------------------

export const Site = Closed(
  { ...siteFields, ...ReadOnlyMeta },
  { title: 'Site', examples: [{ name: 'site-b', exchangeIntervalMs: 1000, peer: { url: 'https://cp.site-b.example:3000' } }] },
);
export const SitePatch = Closed(
  { ...patchOf(siteFields, ['name']), ...ReadOnlyMeta },
  {
    title: 'SitePatch',
    description: 'Merge: given fields replace, null resets a field to its default, omitted fields stay',
    examples: [{ exchangeIntervalMs: 500 }],
  },
);

export const ServicePatch = Closed(
  { ...patchOf(serviceFields, ['name', 'address', 'port']), ...ReadOnlyMeta },
  {
    title: 'ServicePatch',
    description: 'Merge: given fields replace, null resets a field to its default, omitted fields stay',
    examples: [{ capacity: 300, state: 'maintenance' }],
  },
);
export const MonitorPatch = Closed(
  { ...patchOf(monitorFields, ['name']), ...ReadOnlyMeta },
  {
    title: 'MonitorPatch',
    description: 'Merge: given fields replace, null resets a field to its default, omitted fields stay',
    examples: [{ intervalMs: 2000, responseTime: null }],
  },
);
export const VServerPatch = Closed(
  { ...patchOf(vserverFields, ['name', 'protocol']), ...ReadOnlyMeta },
  {
    title: 'VServerPatch',
    description: 'Merge: given fields replace (nested objects are merged), null resets a field to its default, omitted fields stay',
    examples: [{ spillover: { backup: null }, lbMethod: 'leastconn' }],
  },
);

// --- bindings as resources ---------------------------------------------------------------------

export const ServiceBindingResource = Closed(
  {
    vserver: Type.Optional(Name('The vserver (from the path; read-only)')),
    service: Type.Optional(Name('The service (from the path; read-only)')),
    weight: Type.Optional(Nullable(Weight("Overrides the service's weight in this vserver; null or omitted: the service's weight"))),
    ...ReadOnlyMeta,
  },
  { title: 'VServerServiceBinding', examples: [{ vserver: 'web', service: 'web-1', weight: 2 }] },
);

export const MonitorBindingResource = Closed(
  {
    service: Type.Optional(Name('The service (from the path; read-only)')),
    monitor: Type.Optional(Name('The monitor (from the path; read-only)')),
    weight: Type.Optional(Nullable(Weight("Overrides the monitor's weight for this service; null or omitted: the monitor's weight"))),
    ...ReadOnlyMeta,
  },
  { title: 'ServiceMonitorBinding', examples: [{ service: 'web-1', monitor: 'web-health', weight: 1 }] },
);

// --- the declarative document ------------------------------------------------------------------

export const ConfigDocument = Closed(
  {
    version: Type.Optional(Type.Integer({ minimum: 0, readOnly: true, description: 'Global configuration version; read-only, ignored on PUT' })),
    services: Type.Optional(Type.Array(Service, { maxItems: MAX_ITEMS.services })),
    monitors: Type.Optional(Type.Array(Monitor, { maxItems: MAX_ITEMS.monitors })),
    vservers: Type.Optional(Type.Array(VServer, { maxItems: MAX_ITEMS.vservers })),
    sites: Type.Optional(Type.Array(Site, { maxItems: MAX_ITEMS.sites, description: 'Sites (docs/SITES.md); omitted when there are none' })),
  },
  {
    title: 'ConfigDocument',
    description: 'Everything as one declarative document (bindings nested in their parent)',
    examples: [
      {
        services: [{ name: 'web-1', address: '10.0.0.11', port: 8080, protocol: 'http', capacity: 200, monitors: [{ monitor: 'web-health' }] }],
        monitors: [{ name: 'web-health', type: 'http', http: { path: '/healthz', expectStatus: [200] } }],
        vservers: [
          {
            name: 'web',
            protocol: 'http',
            listen: { port: 8443 },
            services: [{ service: 'web-1' }],
            spillover: { methods: [{ type: 'dynamicconnection' }], action: 'drop' },
          },
        ],
      },
    ],
  },
);
export type ConfigDocument = Static<typeof ConfigDocument>;

export const PlanChange = Closed(
  {
    action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
    kind: Type.Union([Type.Literal('service'), Type.Literal('monitor'), Type.Literal('vserver'), Type.Literal('site')]),
    name: Type.String(),
    fields: Type.Optional(Type.Array(Type.String(), { description: 'update only: top-level fields that change' })),
    diff: Type.Optional(
      Type.Array(
        Closed(
          {
            path: Type.String({ description: 'JSON Pointer into the object (nested objects are walked; arrays and scalars are leaves)' }),
            before: Type.Optional(Type.Unknown({ description: 'Current value (normalized); omitted: not set' })),
            after: Type.Optional(Type.Unknown({ description: 'Value after the apply (normalized); omitted: not set' })),
          },
          { title: 'FieldChange' },
        ),
        { description: 'update only: each value that changes, field by field' },
      ),
    ),
  },
  { title: 'PlanChange' },
);

export const Plan = Closed(
  {
    changes: Type.Array(PlanChange),
    summary: Closed({ create: Type.Integer(), update: Type.Integer(), delete: Type.Integer() }),
  },
  {
    $id: 'Plan',
    title: 'Plan',
    examples: [
      {
        changes: [
          { action: 'update', kind: 'vserver', name: 'web', fields: ['lbMethod'], diff: [{ path: '/lbMethod', before: 'roundrobin', after: 'leastconn' }] },
        ],
        summary: { create: 0, update: 1, delete: 0 },
      },
    ],
  },
);
export type Plan = Static<typeof Plan>;

export const ApplyResult = Closed(
  {
    dryRun: Type.Boolean(),
    applied: Type.Boolean({ description: 'false for a dry run or an empty plan' }),
    version: Type.Integer({ description: 'Global configuration version after the call' }),
    plan: Type.Ref('Plan'),
  },
  {
    title: 'ApplyResult',
    examples: [
      {
        dryRun: false,
        applied: true,
        version: 7,
        plan: { changes: [{ action: 'create', kind: 'service', name: 'web-1' }], summary: { create: 1, update: 0, delete: 0 } },
      },
    ],
  },
);

export const ApplyQuery = Closed({
  dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Return the plan without changing anything' })),
  prune: Type.Optional(Type.Boolean({ default: false, description: 'Delete objects the document does not name' })),
});
