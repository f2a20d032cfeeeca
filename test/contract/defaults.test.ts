// One definition of each default (DEFAULTS of @spillway/protocol): a document with every default
// omitted means the same thing to the API (PUT then GET /v1/config), to the database (rows
// inserted with only their required columns) and to an agent (its parser, for a standalone file
// and for the document the control plane pushes).
import { DEFAULTS, normalizeDocument, type NDocument } from '@spillway/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../apps/agent/src/config.js';
import { startApi, type ApiHarness } from '../../apps/control-plane/test/api/helpers.js';

/** Every object with only its required fields (a bandwidth method and an http monitor have defaults of their own). */
const MINIMAL = {
  monitors: [{ name: 'probe' }, { name: 'web-health', type: 'http' }],
  services: [{ name: 'web-1', address: '10.0.0.11', port: 8080, monitors: [{ monitor: 'probe' }, { monitor: 'web-health' }] }],
  vservers: [
    {
      name: 'web',
      protocol: 'http',
      listen: { port: 8443 },
      services: [{ service: 'web-1' }],
      persistence: {},
      surgeQueue: {},
      spillover: { methods: [{ type: 'bandwidth', thresholdKbps: 1000 }], backup: 'web-overflow' },
    },
    { name: 'web-overflow', protocol: 'http' },
  ],
};

/** The document part of what an agent serves. */
const agentView = (doc: unknown): NDocument => {
  const { services, monitors, vservers } = parseAgentConfig(doc, {});
  return { services, monitors, vservers };
};

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

describe('a document with every default omitted', () => {
  it('normalizes to the same document in the API, in an agent reading it as its file, and in an agent served it by the control plane', async () => {
    const put = await api.call('PUT', '/v1/config', MINIMAL);
    expect(put.statusCode, put.body).toBe(200);
    const got = await api.call('GET', '/v1/config');
    const { version: _version, ...fromApi } = got.json<NDocument & { version: number }>();
    expect(fromApi).toEqual(normalizeDocument(MINIMAL));
    expect(agentView(MINIMAL)).toEqual(fromApi);
    // The control plane pushes its normalized document; the agent's parse of it changes nothing.
    expect(agentView(fromApi)).toEqual(fromApi);
    // The defaults spelled out are DEFAULTS' (a few of each object, as an operator reads them).
    const web = fromApi.vservers.find((v) => v.name === 'web');
    expect(web).toMatchObject({
      listen: { port: 8443, host: DEFAULTS.vserver.listenHost },
      lbMethod: DEFAULTS.vserver.lbMethod,
      timeoutMs: DEFAULTS.vserver.timeoutMs,
      headersTimeoutMs: DEFAULTS.vserver.headersTimeoutMs,
      persistence: DEFAULTS.persistence,
      surgeQueue: DEFAULTS.surgeQueue,
      spillover: {
        combine: DEFAULTS.spillover.combine,
        action: DEFAULTS.spillover.action,
        persistenceTimeoutSeconds: DEFAULTS.spillover.persistenceTimeoutSeconds,
      },
    });
    expect(web?.spillover.methods).toEqual([{ type: 'bandwidth', thresholdKbps: 1000, direction: DEFAULTS.bandwidthDirection }]);
    expect(fromApi.monitors.find((m) => m.name === 'web-health')?.http).toEqual(DEFAULTS.monitorHttp);
  });

  it("gets the contract's defaults from the database's column defaults (rows inserted with only their required columns)", async () => {
    const db = api.app.prisma;
    await db.$executeRaw`INSERT INTO monitor (name, type, "updatedAt") VALUES ('db-probe', 'tcp', now())`;
    await db.$executeRaw`INSERT INTO service (name, address, port, "updatedAt") VALUES ('db-service', '10.0.0.12', 8081, now())`;
    await db.$executeRaw`INSERT INTO vserver (name, protocol, "updatedAt") VALUES ('db-vserver', 'tcp', now())`;
    // A new global version: the store reloads its snapshot from the rows.
    await db.$executeRaw`UPDATE config_version SET version = version + 1 WHERE id = 1`;
    const got = (await api.call('GET', '/v1/config')).json<NDocument>();
    const expected = normalizeDocument({
      monitors: [{ name: 'db-probe', type: 'tcp' }],
      services: [{ name: 'db-service', address: '10.0.0.12', port: 8081 }],
      vservers: [{ name: 'db-vserver', protocol: 'tcp', listen: null }],
    });
    expect(got.monitors.find((m) => m.name === 'db-probe')).toEqual(expected.monitors[0]);
    expect(got.services.find((s) => s.name === 'db-service')).toEqual(expected.services[0]);
    expect(got.vservers.find((v) => v.name === 'db-vserver')).toEqual(expected.vservers[0]);
  });
});
