// Application feedback a service's backends push (POST /v1/services/{name}/feedback, issue 16
// item 2): one line of agent-check words, read by core's parser (parseAgentLine, the same grammar
// as the agent's agent-check probe) and merged into what the earlier lines said (mergeFeedback:
// a line changes only the categories it mentions). Kept in the ServiceFeedback table, so a
// restart of the control plane, or another replica, serves the same feedback; emitted as
// `feedback` ({service, feedback}; null: cleared) for the agent hub, which applies it.
import { EventEmitter } from 'node:events';
import { mergeFeedback, NO_FEEDBACK, parseAgentLine, sameFeedback, type AgentFeedback, type AgentReport } from '@spillway/core';
import type { PrismaClient } from '../db/prisma.js';
import { ApiErrors } from '../errors.js';

export interface FeedbackChange {
  service: string;
  /** null: the service's pushed feedback was cleared. */
  feedback: AgentFeedback | null;
}

export interface FeedbackView {
  service: string;
  /** The last line pushed, as sent. */
  line: string;
  feedback: AgentFeedback;
  updatedAt: string;
}

type Row = { weightPercent: number | null; maxconn: number | null; admin: string; health: string; reason: string | null };

const fromRow = (r: Row): AgentFeedback => ({
  weightPercent: r.weightPercent,
  maxconn: r.maxconn,
  admin: r.admin === 'drain' || r.admin === 'maint' ? r.admin : 'ready',
  health: r.health === 'down' ? 'down' : 'up',
  reason: r.reason,
});

export class FeedbackStore extends EventEmitter<{ feedback: [FeedbackChange] }> {
  /** One push at a time per process, so two lines of one service merge in order. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: PrismaClient) {
    super();
  }

  /** Every service's pushed feedback, by service name. */
  async load(): Promise<Map<string, AgentFeedback>> {
    const rows = await this.db.serviceFeedback.findMany({ include: { service: { select: { name: true } } } });
    return new Map(rows.map((r) => [r.service.name, fromRow(r)]));
  }

  async get(service: string): Promise<FeedbackView | null> {
    const r = await this.db.serviceFeedback.findFirst({ where: { service: { name: service } }, include: { service: { select: { name: true } } } });
    return r ? { service, line: r.line, feedback: fromRow(r), updatedAt: r.updatedAt.toISOString() } : null;
  }

  /**
   * One line pushed for `service` (404 when there is no such service): merged into its feedback
   * and stored; `changed` when the feedback in force moved (only then is `feedback` emitted).
   */
  push(service: string, line: string): Promise<{ view: FeedbackView; report: AgentReport; changed: boolean }> {
    const run = this.writing.then(() => this.write(service, line));
    this.writing = run.catch(() => undefined);
    return run;
  }

  /** Forgets the pushed feedback of `service` (its agent-check probes, if any, still count); false when it had none. */
  async clear(service: string): Promise<boolean> {
    const s = await this.db.service.findUnique({ where: { name: service }, select: { id: true } });
    if (!s) throw ApiErrors.serviceNotFound(`no service named ${service}`);
    const gone = await this.db.serviceFeedback.deleteMany({ where: { serviceId: s.id } });
    if (gone.count > 0) this.emit('feedback', { service, feedback: null });
    return gone.count > 0;
  }

  private async write(service: string, line: string): Promise<{ view: FeedbackView; report: AgentReport; changed: boolean }> {
    const report = parseAgentLine(line);
    const s = await this.db.service.findUnique({ where: { name: service }, select: { id: true, feedback: true } });
    if (!s) throw ApiErrors.serviceNotFound(`no service named ${service}`);
    const before = s.feedback ? fromRow(s.feedback) : null;
    const next = mergeFeedback(before ?? NO_FEEDBACK, report);
    const data = { weightPercent: next.weightPercent, maxconn: next.maxconn, admin: next.admin, health: next.health, reason: next.reason, line };
    const row = await this.db.serviceFeedback.upsert({ where: { serviceId: s.id }, create: { serviceId: s.id, ...data }, update: data });
    const changed = before === null || !sameFeedback(before, next);
    if (changed) this.emit('feedback', { service, feedback: next });
    return { view: { service, line, feedback: next, updatedAt: row.updatedAt.toISOString() }, report, changed };
  }
}
