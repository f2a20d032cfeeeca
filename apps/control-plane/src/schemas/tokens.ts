// API tokens (bearer, role admin | reader) and agent tokens. The secret is shown once, in the
// answer to its creation; only its sha256 is stored.
import { Type } from '@sinclair/typebox';
import { Closed, Name } from './common.js';

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('reader')], { description: 'admin: read and write; reader: read only' });

const tokenMeta = {
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
};

export const ApiTokenCreate = Closed(
  { name: Name('Unique token name'), role: Role },
  { title: 'ApiTokenCreate', examples: [{ name: 'terraform', role: 'admin' }] },
);
export const ApiToken = Closed(
  { name: Type.String(), role: Role, ...tokenMeta },
  { title: 'ApiToken', examples: [{ name: 'terraform', role: 'admin', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null }] },
);
export const ApiTokenCreated = Closed(
  { name: Type.String(), role: Role, ...tokenMeta, token: Type.String({ description: 'The secret, shown this once' }) },
  {
    title: 'ApiTokenCreated',
    examples: [
      { name: 'terraform', role: 'admin', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null, token: 'spw_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg' },
    ],
  },
);

export const AgentTokenCreate = Closed(
  {
    name: Name('Unique token name'),
    agent: Type.Optional(Name('Agent this token authenticates as; default: the token name')),
  },
  { title: 'AgentTokenCreate', examples: [{ name: 'edge-1', agent: 'edge-1' }] },
);
export const AgentToken = Closed(
  { name: Type.String(), agent: Type.String(), ...tokenMeta },
  { title: 'AgentToken', examples: [{ name: 'edge-1', agent: 'edge-1', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null }] },
);
export const AgentTokenCreated = Closed(
  { name: Type.String(), agent: Type.String(), ...tokenMeta, token: Type.String({ description: 'The secret, shown this once' }) },
  {
    title: 'AgentTokenCreated',
    examples: [
      { name: 'edge-1', agent: 'edge-1', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null, token: 'spw_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg' },
    ],
  },
);

export const ServiceTokenCreate = Closed(
  { name: Name('Unique token name'), service: Name('The service whose backends push feedback with this token (it is good for nothing else)') },
  { title: 'ServiceTokenCreate', examples: [{ name: 'web-1-feedback', service: 'web-1' }] },
);
export const ServiceToken = Closed(
  { name: Type.String(), service: Type.String(), ...tokenMeta },
  { title: 'ServiceToken', examples: [{ name: 'web-1-feedback', service: 'web-1', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null }] },
);
export const ServiceTokenCreated = Closed(
  { name: Type.String(), service: Type.String(), ...tokenMeta, token: Type.String({ description: 'The secret, shown this once' }) },
  {
    title: 'ServiceTokenCreated',
    examples: [
      {
        name: 'web-1-feedback',
        service: 'web-1',
        createdAt: '2026-01-01T00:00:00.000Z',
        lastUsedAt: null,
        token: 'spw_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg',
      },
    ],
  },
);

const readOnlyTokenFields = {
  createdAt: Type.Optional(Type.String({ format: 'date-time', readOnly: true })),
  lastUsedAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { readOnly: true })),
};
export const ApiTokenPut = Closed(
  { name: Type.Optional(Name('Must match the path when given')), role: Role, ...readOnlyTokenFields },
  { title: 'ApiTokenPut', description: 'Creates the token (the answer holds its secret, once) or sets its role', examples: [{ role: 'reader' }] },
);
export const ApiTokenPatch = Closed(
  { name: Type.Optional(Name('Must match the path when given')), role: Type.Optional(Role), ...readOnlyTokenFields },
  { title: 'ApiTokenPatch', examples: [{ role: 'admin' }] },
);
export const AgentTokenPut = Closed(
  {
    name: Type.Optional(Name('Must match the path when given')),
    agent: Type.Optional(Name('Agent this token authenticates as; default: the token name')),
    ...readOnlyTokenFields,
  },
  {
    title: 'AgentTokenPut',
    description: 'Creates the token (the answer holds its secret, once) or rebinds it to another agent',
    examples: [{ agent: 'edge-1' }],
  },
);
export const AgentTokenPatch = Closed(
  { name: Type.Optional(Name('Must match the path when given')), agent: Type.Optional(Name('Agent this token authenticates as')), ...readOnlyTokenFields },
  { title: 'AgentTokenPatch', examples: [{ agent: 'edge-2' }] },
);
