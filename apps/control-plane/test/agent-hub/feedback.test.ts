// The hub's application feedback (agent-hub/feedback.ts): the agent-check feedback most reporting
// agents serve, the pushed feedback on top (core's servedService, as the agents serve it), and
// service.feedback events debounced per service.
import { describe, expect, it } from 'vitest';
import { mergeFeedback, NO_FEEDBACK, parseAgentLine } from '@spillway/core';
import type { Report } from '@spillway/protocol';
import { HubFeedback, type FeedbackEvent } from '../../src/agent-hub/feedback.js';
import { untilTruthy } from '../../../../test/kit/until.js';

const configured = { weight: 4, capacity: 100, state: 'enabled' as const };
const fb = (line: string) => mergeFeedback(NO_FEEDBACK, parseAgentLine(line));
const report = (effective?: { weight: number; capacity: number; state: 'enabled' | 'disabled' | 'maintenance'; drain: boolean }): Report => ({
  type: 'report',
  at: Date.now(),
  vservers: {},
  services: { web: { cxActive: 0, cxTotal: 0, state: 'UP', ...(effective ? { effective } : {}) } },
});

describe('HubFeedback', () => {
  it('serves a service with the agents’ agent-check feedback (most of them) and the pushed one on top', () => {
    const h = new HubFeedback({ emit: () => undefined });
    expect(h.effective('web', configured)).toBeUndefined();
    const agents = [{ report: report({ weight: 4, capacity: 10, state: 'enabled', drain: false }) }, { report: report() }];
    expect(h.report(null, agents[0]!.report, () => agents)).toEqual(['web']);
    expect(h.effective('web', configured)).toEqual({ weight: 4, capacity: 10, state: 'enabled', drain: false, source: 'agent-check', agents: 1 });
    // Pushed 50% and drain on top: the weight scales, the drain takes it out, maxconn from the agents stays.
    expect(h.setPushed('web', fb('50% drain'))).toBe(true);
    expect(h.setPushed('web', fb('50% drain'))).toBe(false);
    expect(h.effective('web', configured)).toEqual({ weight: 2, capacity: 10, state: 'disabled', drain: true, source: 'both', agents: 1 });
    // The agents' feedback gone (the next report has none): only the pushed layer, on the configured service.
    agents[0] = { report: report() };
    expect(h.report(agents[0].report, agents[0].report, () => agents)).toEqual(['web']);
    expect(h.effective('web', configured)).toEqual({ weight: 2, capacity: 100, state: 'disabled', drain: true, source: 'push', agents: 0 });
    expect(h.pushedDown('web')).toBe(false);
    h.setPushed('web', fb('down # deploy'));
    expect(h.downs()).toEqual(['web']);
    expect(h.message()).toMatchObject({ type: 'service-feedback', replace: true, feedback: { web: { health: 'down', reason: 'agent says down: deploy' } } });
    expect(h.replacePushed(new Map())).toEqual(['web']);
    expect(h.message(['web'])).toEqual({ type: 'service-feedback', replace: false, feedback: { web: null } });
  });

  it('emits at most one service.feedback per service per period, and the last state at its end', async () => {
    const events: FeedbackEvent[] = [];
    const h = new HubFeedback({ emit: (e) => events.push(e), debounceMs: 150 });
    for (const maxconn of [1, 2, 3, 4, 5]) h.note('web', { weight: 1, capacity: maxconn, state: 'enabled', drain: false, source: 'push', agents: 0 });
    expect(events.map((e) => e.capacity)).toEqual([1]);
    await untilTruthy(() => events.length === 2, { timeoutMs: 5_000, stepMs: 10, what: 'the trailing event' });
    expect(events.map((e) => e.capacity)).toEqual([1, 5]);
    h.note('web', undefined);
    await untilTruthy(() => events.length === 3, { timeoutMs: 5_000, stepMs: 10, what: 'the cleared event' });
    expect(events[2]).toMatchObject({ service: 'web', source: null });
    h.close();
  });
});
