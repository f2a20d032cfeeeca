// Application feedback pushed by a service's backends (issue 16 item 2): POST
// /v1/services/{name}/feedback takes one agent-check line (FeedbackStore: core's parser and
// merge, stored), and the agent hub applies it (effective weight, capacity, drain, maint,
// down/up; pushed to every agent; the thresholds follow). The POST opts out of the API token
// check (`auth: false`) and checks its own credential: a service token issued for this service
// (POST /v1/service-tokens), or an admin API token. A service token is refused here for any other
// service (403) and by every other route and the agents' channel (401: they look in other tables).
// GET (reader) shows the pushed feedback; DELETE (admin) clears it.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '../errors.js';
import { ErrorRef, NameParams } from '../schemas/common.js';
import { Feedback, FeedbackLine } from '../schemas/feedback.js';
import type { FeedbackStore } from '../services/feedback-store.js';
import type { TokenStore } from '../services/token-store.js';
import { actorOf } from './http.js';

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(h) : null;
  return m?.[1] ?? null;
}

export function feedbackRoutes(scope: FastifyInstance, feedback: FeedbackStore, tokens: TokenStore): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorRef, 401: ErrorRef, 403: ErrorRef, 404: ErrorRef };

  /** The credential of a push: a service token of this service, or an admin API token. */
  const checkPusher = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const service = (req.params as { name?: string }).name ?? '';
    const token = bearer(req);
    if (token !== null) {
      const scoped = await tokens.authenticateService(token);
      if (scoped === service) return;
      if (scoped !== null) throw ApiErrors.forbidden(`this service token is good for service ${scoped} only, not ${service}`);
      const principal = await tokens.authenticate(token);
      if (principal?.role === 'admin') {
        req.auth = principal;
        return;
      }
      if (principal) throw ApiErrors.forbidden(`token ${principal.name} has role ${principal.role}, which may not push feedback`);
    }
    const wait = req.server.authFailures.fail(req.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw ApiErrors.authRateLimited(`too many failed authentications from this address; retry in ${wait} s`);
    }
    reply.header('www-authenticate', 'Bearer realm="spillway"');
    throw ApiErrors.unauthenticated(token === null ? 'a service token is required (Authorization: Bearer <token>)' : 'the token is not valid for this service');
  };

  app.post(
    '/services/:name/feedback',
    {
      config: { auth: false },
      onRequest: checkPusher,
      schema: {
        operationId: 'pushServiceFeedback',
        tags: ['services'],
        summary:
          "A backend's application feedback in agent-check words (weight %, maxconn, drain, maint, down/up), applied by the control plane across every agent (a service token of this service, or an admin token)",
        params: NameParams,
        body: FeedbackLine,
        response: { 200: Feedback, 422: ErrorRef, 429: ErrorRef, ...errors },
      },
    },
    async (req) => {
      const { view, report } = await feedback.push(req.params.name, req.body.line);
      req.log.debug({ service: view.service, line: view.line, actor: actorOf(req) }, 'service feedback pushed');
      return { ...view, unknown: report.unknown };
    },
  );

  app.get(
    '/services/:name/feedback',
    {
      schema: {
        operationId: 'getServiceFeedback',
        tags: ['services'],
        summary: 'The feedback the backends of a service pushed last (404 when none is in force)',
        params: NameParams,
        response: { 200: Feedback, ...errors },
      },
    },
    async (req) => {
      const v = await feedback.get(req.params.name);
      if (!v) throw ApiErrors.serviceNotFound(`no pushed feedback for service ${req.params.name}`);
      return v;
    },
  );

  app.delete(
    '/services/:name/feedback',
    {
      config: { adminOnly: true },
      schema: {
        operationId: 'clearServiceFeedback',
        tags: ['services'],
        summary: 'Clears the pushed feedback of a service: it is served as configured again (its agent-check probes still count; admin only)',
        params: NameParams,
        response: { 204: Type.Null({ description: 'Cleared' }), ...errors },
      },
    },
    async (req, reply) => {
      await feedback.clear(req.params.name);
      return reply.code(204).send(null);
    },
  );
}
