// API tokens (roles admin | reader) and agent tokens, stored as sha256 hashes. A secret exists
// in clear only in the answer to its creation (or in SPILLWAY_ADMIN_TOKEN). A change that may
// take a live agent session's credential away (an agent token deleted or rebound, an agent
// deleted) is emitted as `agent-credentials` ({agents, deleted}); the agent hub closes the
// sessions whose token no longer authenticates them.
import { EventEmitter } from 'node:events';
import type { PrismaClient } from '../db/prisma.js';
import { ApiErrors } from '../errors.js';
import { generateToken, hashToken, looksLikeToken } from './tokens.js';

export type Role = 'admin' | 'reader';
/** An API token as the API shows it (never its secret, but once at creation as `token`). */
export interface ApiTokenView {
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  token?: string;
}
/** A service token as the API shows it: good only for POST /v1/services/{service}/feedback. */
export interface ServiceTokenView {
  name: string;
  service: string;
  createdAt: string;
  lastUsedAt: string | null;
  token?: string;
}
/** An agent token as the API shows it. */
export interface AgentTokenView {
  name: string;
  agent: string;
  createdAt: string;
  lastUsedAt: string | null;
  token?: string;
}

export interface Principal {
  name: string;
  role: Role;
}
/** Agents whose tokens changed (`deleted`: the agents themselves were deleted). */
export interface AgentCredentialsChange {
  agents: string[];
  deleted: boolean;
}

/** How long a successful lookup is reused before the database is asked again. */
const CACHE_MS = 5_000;
/** lastUsedAt is written at most this often per token. */
const TOUCH_MS = 60_000;
export const BOOTSTRAP_TOKEN_NAME = 'bootstrap';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export class TokenStore extends EventEmitter<{ 'agent-credentials': [AgentCredentialsChange] }> {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  private readonly touched = new Map<string, number>();
  private readonly serviceCache = new Map<string, { service: string; until: number }>();

  constructor(private readonly db: PrismaClient) {
    super();
  }

  /** The principal of a bearer secret, or null when it is unknown, revoked or expired. */
  async authenticate(token: string): Promise<Principal | null> {
    if (!looksLikeToken(token)) return null;
    const hash = hashToken(token);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.principal;
    const row = await this.db.apiToken.findUnique({ where: { hash }, select: { id: true, name: true, role: true, revokedAt: true, expiresAt: true } });
    if (!row || row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt.getTime() <= now)) {
      this.cache.delete(hash);
      return null;
    }
    const principal = { name: row.name, role: row.role };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_MS });
    if ((this.touched.get(hash) ?? 0) + TOUCH_MS <= now) {
      this.touched.set(hash, now);
      void this.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
    }
    return principal;
  }

  /** The agent name an agent token was issued for (the agent hub's `authenticate`). */
  async authenticateAgent(token: string): Promise<string | null> {
    if (!looksLikeToken(token)) return null;
    const row = await this.db.agentToken.findUnique({
      where: { hash: hashToken(token) },
      select: { id: true, revokedAt: true, expiresAt: true, agent: { select: { name: true } } },
    });
    if (!row || row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt.getTime() <= Date.now())) return null;
    void this.db.agentToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    return row.agent.name;
  }

  /**
   * The service a service token was issued for (POST /v1/services/{name}/feedback checks it is
   * that service); null when unknown or revoked. Service tokens live in their own table, so no
   * other route (they look up API tokens) and not the agents' channel (agent tokens) accepts one.
   */
  async authenticateService(token: string): Promise<string | null> {
    if (!looksLikeToken(token)) return null;
    const hash = hashToken(token);
    const now = Date.now();
    const hit = this.serviceCache.get(hash);
    if (hit && hit.until > now) return hit.service;
    const row = await this.db.serviceToken.findUnique({ where: { hash }, select: { id: true, revokedAt: true, service: { select: { name: true } } } });
    if (!row || row.revokedAt !== null) {
      this.serviceCache.delete(hash);
      return null;
    }
    if (this.serviceCache.size > 10_000) this.serviceCache.clear();
    // Cached briefly (a backend may push often); a deleted token stops working within CACHE_MS.
    this.serviceCache.set(hash, { service: row.service.name, until: now + CACHE_MS });
    if ((this.touched.get(hash) ?? 0) + TOUCH_MS <= now) {
      this.touched.set(hash, now);
      void this.db.serviceToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
    }
    return row.service.name;
  }

  private serviceView(r: { name: string; createdAt: Date; lastUsedAt: Date | null; service: { name: string } }): ServiceTokenView {
    return { name: r.name, service: r.service.name, createdAt: r.createdAt.toISOString(), lastUsedAt: iso(r.lastUsedAt) };
  }

  async listService(): Promise<ServiceTokenView[]> {
    const rows = await this.db.serviceToken.findMany({
      where: { revokedAt: null },
      orderBy: { name: 'asc' },
      include: { service: { select: { name: true } } },
    });
    return rows.map((r) => this.serviceView(r));
  }

  async getService(name: string): Promise<ServiceTokenView> {
    const r = await this.db.serviceToken.findUnique({ where: { name }, include: { service: { select: { name: true } } } });
    if (!r || r.revokedAt !== null) throw ApiErrors.serviceTokenNotFound(`no service token named ${name}`);
    return this.serviceView(r);
  }

  /** Issues a token the backends of `service` push feedback with (the service must exist: 404). */
  async createService(name: string, service: string): Promise<ServiceTokenView & { token: string }> {
    const token = generateToken();
    const r = await this.db.$transaction(async (tx) => {
      if (await tx.serviceToken.findUnique({ where: { name } }))
        throw ApiErrors.alreadyExists(`a service token named ${name} already exists`, [{ path: '/name', message: 'taken' }]);
      const s = await tx.service.findUnique({ where: { name: service }, select: { id: true } });
      if (!s) throw ApiErrors.serviceNotFound(`no service named ${service}`, [{ path: '/service', message: 'no such service' }]);
      return tx.serviceToken.create({ data: { name, serviceId: s.id, hash: hashToken(token) }, include: { service: { select: { name: true } } } });
    });
    return { ...this.serviceView(r), token };
  }

  async deleteServiceToken(name: string): Promise<void> {
    const r = await this.db.serviceToken.findUnique({ where: { name }, select: { id: true, hash: true } });
    const gone = r ? await this.db.serviceToken.deleteMany({ where: { id: r.id } }) : { count: 0 };
    if (!r || gone.count === 0) throw ApiErrors.serviceTokenNotFound(`no service token named ${name}`);
    this.serviceCache.delete(r.hash);
  }

  /**
   * Makes sure an admin can get in. With `adminToken` (SPILLWAY_ADMIN_TOKEN) the `bootstrap`
   * token is that secret (created or re-keyed). Without it, when no admin token exists, one is
   * generated and returned once: the caller prints it; only its hash is kept.
   */
  async ensureBootstrap(adminToken?: string): Promise<{ generated: string | null }> {
    if (adminToken !== undefined && adminToken !== '') {
      const hash = hashToken(adminToken);
      const holder = await this.db.apiToken.findUnique({ where: { hash } });
      if (holder) return { generated: null };
      await this.db.apiToken.upsert({
        where: { name: BOOTSTRAP_TOKEN_NAME },
        create: { name: BOOTSTRAP_TOKEN_NAME, role: 'admin', hash },
        update: { hash, role: 'admin', revokedAt: null, expiresAt: null },
      });
      this.cache.clear();
      return { generated: null };
    }
    const admins = await this.db.apiToken.count({ where: { role: 'admin', revokedAt: null } });
    if (admins > 0) return { generated: null };
    const token = generateToken();
    await this.db.apiToken.upsert({
      where: { name: BOOTSTRAP_TOKEN_NAME },
      create: { name: BOOTSTRAP_TOKEN_NAME, role: 'admin', hash: hashToken(token) },
      update: { hash: hashToken(token), role: 'admin', revokedAt: null, expiresAt: null },
    });
    return { generated: token };
  }

  async listApi(): Promise<ApiTokenView[]> {
    const rows = await this.db.apiToken.findMany({ where: { revokedAt: null }, orderBy: { name: 'asc' } });
    return rows.map((r) => ({ name: r.name, role: r.role, createdAt: r.createdAt.toISOString(), lastUsedAt: iso(r.lastUsedAt) }));
  }

  async createApi(name: string, role: Role): Promise<ApiTokenView & { token: string }> {
    const token = generateToken();
    const existing = await this.db.apiToken.findUnique({ where: { name } });
    if (existing) throw ApiErrors.alreadyExists(`an API token named ${name} already exists`, [{ path: '/name', message: 'taken' }]);
    const r = await this.db.apiToken.create({ data: { name, role, hash: hashToken(token) } }).catch((err: { code?: string }) => {
      if (err.code === 'P2002') throw ApiErrors.alreadyExists(`an API token named ${name} already exists`, [{ path: '/name', message: 'taken' }]);
      throw err;
    });
    return { name: r.name, role: r.role, createdAt: r.createdAt.toISOString(), lastUsedAt: null, token };
  }

  /**
   * PUT/PATCH of an API token: creates it with `role` (the answer holds the secret) or sets the
   * role of an existing one (never re-keys it). Refuses to demote the last admin token.
   */
  async upsertApi(name: string, role: Role | undefined, createIfMissing: boolean): Promise<{ created: boolean; changed: boolean; view: ApiTokenView }> {
    const existing = await this.db.apiToken.findUnique({ where: { name } });
    if (!existing || existing.revokedAt !== null) {
      if (!createIfMissing) throw ApiErrors.apiTokenNotFound(`no API token named ${name}`);
      return { created: true, changed: true, view: await this.createApi(name, role ?? 'reader') };
    }
    const changed = role !== undefined && role !== existing.role;
    if (changed) {
      await this.db.$transaction(async (tx) => {
        if (existing.role === 'admin') {
          await tx.$queryRaw`SELECT id FROM api_token WHERE role = 'admin' FOR UPDATE`;
          if ((await tx.apiToken.count({ where: { role: 'admin', revokedAt: null } })) <= 1)
            throw ApiErrors.lastAdminToken(`${name} is the last admin token; create another admin token first`);
        }
        await tx.apiToken.update({ where: { id: existing.id }, data: { role } });
      });
      this.cache.delete(existing.hash);
    }
    return { created: false, changed, view: await this.getApi(name) };
  }

  /** PUT/PATCH of an agent token: creates it for `agent` or rebinds it to another agent. */
  async upsertAgentToken(
    name: string,
    agent: string | undefined,
    createIfMissing: boolean,
  ): Promise<{ created: boolean; changed: boolean; view: AgentTokenView }> {
    const existing = await this.db.agentToken.findUnique({ where: { name }, include: { agent: { select: { name: true } } } });
    if (!existing || existing.revokedAt !== null) {
      if (!createIfMissing) throw ApiErrors.agentTokenNotFound(`no agent token named ${name}`);
      return { created: true, changed: true, view: await this.createAgent(name, agent ?? name) };
    }
    const changed = agent !== undefined && agent !== existing.agent.name;
    if (changed) {
      await this.db.$transaction(async (tx) => {
        const a = await tx.agent.upsert({ where: { name: agent }, create: { name: agent }, update: {} });
        await tx.agentToken.update({ where: { id: existing.id }, data: { agentId: a.id } });
      });
      this.emit('agent-credentials', { agents: [existing.agent.name], deleted: false });
    }
    return { created: false, changed, view: await this.getAgent(name) };
  }

  /** Deletes an API token; refuses to delete the last admin token (nobody could get back in). */
  async deleteApi(name: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const row = await tx.apiToken.findUnique({ where: { name } });
      if (!row || row.revokedAt !== null) throw ApiErrors.apiTokenNotFound(`no API token named ${name}`);
      if (row.role === 'admin') {
        await tx.$queryRaw`SELECT id FROM api_token WHERE role = 'admin' FOR UPDATE`;
        const admins = await tx.apiToken.count({ where: { role: 'admin', revokedAt: null } });
        if (admins <= 1) throw ApiErrors.lastAdminToken(`${name} is the last admin token; create another admin token first`);
      }
      await tx.apiToken.delete({ where: { id: row.id } });
      this.cache.delete(row.hash);
    });
  }

  async getApi(name: string): Promise<ApiTokenView> {
    const r = await this.db.apiToken.findUnique({ where: { name } });
    if (!r || r.revokedAt !== null) throw ApiErrors.apiTokenNotFound(`no API token named ${name}`);
    return { name: r.name, role: r.role, createdAt: r.createdAt.toISOString(), lastUsedAt: iso(r.lastUsedAt) };
  }

  private agentView(r: { name: string; createdAt: Date; lastUsedAt: Date | null; agent: { name: string } }): AgentTokenView {
    return { name: r.name, agent: r.agent.name, createdAt: r.createdAt.toISOString(), lastUsedAt: iso(r.lastUsedAt) };
  }

  async listAgent(): Promise<AgentTokenView[]> {
    const rows = await this.db.agentToken.findMany({ where: { revokedAt: null }, orderBy: { name: 'asc' }, include: { agent: { select: { name: true } } } });
    return rows.map((r) => this.agentView(r));
  }

  async getAgent(name: string): Promise<AgentTokenView> {
    const r = await this.db.agentToken.findUnique({ where: { name }, include: { agent: { select: { name: true } } } });
    if (!r || r.revokedAt !== null) throw ApiErrors.agentTokenNotFound(`no agent token named ${name}`);
    return this.agentView(r);
  }

  /** Issues a token for agent `agent` (registered on first use). */
  async createAgent(name: string, agent: string): Promise<AgentTokenView & { token: string }> {
    const token = generateToken();
    const r = await this.db.$transaction(async (tx) => {
      if (await tx.agentToken.findUnique({ where: { name } }))
        throw ApiErrors.alreadyExists(`an agent token named ${name} already exists`, [{ path: '/name', message: 'taken' }]);
      const a = await tx.agent.upsert({ where: { name: agent }, create: { name: agent }, update: {} });
      return tx.agentToken.create({ data: { name, agentId: a.id, hash: hashToken(token) }, include: { agent: { select: { name: true } } } });
    });
    return { ...this.agentView(r), token };
  }

  async deleteAgentToken(name: string): Promise<void> {
    const r = await this.db.agentToken.findUnique({ where: { name }, select: { id: true, agent: { select: { name: true } } } });
    const gone = r ? await this.db.agentToken.deleteMany({ where: { id: r.id } }) : { count: 0 };
    if (!r || gone.count === 0) throw ApiErrors.agentTokenNotFound(`no agent token named ${name}`);
    this.emit('agent-credentials', { agents: [r.agent.name], deleted: false });
  }

  /** Forgets a registered agent with its tokens and quota leases. */
  async deleteAgent(name: string): Promise<number> {
    const a = await this.db.agent.findUnique({ where: { name } });
    if (!a) throw ApiErrors.agentNotFound(`no agent named ${name}`);
    await this.db.agent.delete({ where: { id: a.id } });
    this.emit('agent-credentials', { agents: [name], deleted: true });
    return a.version;
  }
}
