// The agent-check line (HAProxy's grammar) and what it does to a service: weight percentage,
// maxconn as capacity, drain/maint/ready, up/down with a description, sticky between lines.
import { describe, expect, it } from 'vitest';
import { LiveServices, effectiveService, feedbackWeight, mergeFeedback, NO_FEEDBACK, parseAgentLine, sameFeedback, servedService } from '../src/index.js';

describe('parseAgentLine', () => {
  it('reads words separated by spaces, tabs or commas, in any order, case aside', () => {
    expect(parseAgentLine('75% drain\n')).toEqual({ weightPercent: 75, admin: 'drain', unknown: [] });
    expect(parseAgentLine('maxconn:30,READY\t 100%\r\n')).toEqual({ maxconn: 30, admin: 'ready', weightPercent: 100, unknown: [] });
    expect(parseAgentLine('up')).toEqual({ health: 'up', healthWord: 'up', unknown: [] });
  });

  it('takes down, fail and stopped as DOWN with the description after #, and ignores unknown words', () => {
    expect(parseAgentLine('stopped # upgrade to 2.1, back soon')).toEqual({
      health: 'down',
      healthWord: 'stopped',
      description: 'upgrade to 2.1, back soon',
      unknown: [],
    });
    expect(parseAgentLine('fail')).toMatchObject({ health: 'down', healthWord: 'fail' });
    expect(parseAgentLine('busy 50.5% maxconn:-1 maxconn: 12%x')).toEqual({ unknown: ['busy', '50.5%', 'maxconn:-1', 'maxconn:', '12%x'] });
    expect(parseAgentLine('')).toEqual({ unknown: [] });
  });

  it('lets the last word of a category win', () => {
    expect(parseAgentLine('drain maint ready 10% 20%')).toMatchObject({ admin: 'ready', weightPercent: 20 });
    expect(parseAgentLine('down up')).toMatchObject({ health: 'up' });
  });
});

describe('feedback across lines', () => {
  it('keeps what a line does not mention, and only the agent reverts its own words', () => {
    let f = mergeFeedback(NO_FEEDBACK, parseAgentLine('50% maxconn:2'));
    f = mergeFeedback(f, parseAgentLine('drain'));
    expect(f).toEqual({ weightPercent: 50, maxconn: 2, admin: 'drain', health: 'up', reason: null });
    f = mergeFeedback(f, parseAgentLine('down # disk full'));
    expect(f).toMatchObject({ health: 'down', reason: 'agent says down: disk full', admin: 'drain' });
    f = mergeFeedback(f, parseAgentLine('75%'));
    expect(f).toMatchObject({ health: 'down', reason: 'agent says down: disk full', weightPercent: 75 });
    const back = mergeFeedback(f, parseAgentLine('up ready'));
    expect(back).toEqual({ weightPercent: 75, maxconn: 2, admin: 'ready', health: 'up', reason: null });
    expect(sameFeedback(back, mergeFeedback(back, parseAgentLine('nonsense')))).toBe(true);
  });
});

describe('effectiveService', () => {
  const s = { weight: 4, capacity: 100, state: 'enabled' as const };
  it('is the configured service without feedback', () => {
    expect(effectiveService(s, NO_FEEDBACK)).toEqual({ weight: 4, capacity: 100, state: 'enabled', drain: false });
  });

  it('scales the weight (0..1000), sets capacity from maxconn, and takes a draining or maintenance service out of selection', () => {
    const f = mergeFeedback(NO_FEEDBACK, parseAgentLine('50% maxconn:2 drain'));
    expect(effectiveService(s, f)).toEqual({ weight: 2, capacity: 2, state: 'disabled', drain: true });
    expect(effectiveService(s, mergeFeedback(NO_FEEDBACK, parseAgentLine('maint')))).toMatchObject({ state: 'maintenance', drain: false });
    expect(feedbackWeight(4, mergeFeedback(NO_FEEDBACK, parseAgentLine('100000%')))).toBe(1000);
    expect(feedbackWeight(3, mergeFeedback(NO_FEEDBACK, parseAgentLine('0%')))).toBe(0);
    // An operator's own state wins over the agent's ready.
    expect(effectiveService({ ...s, state: 'disabled' }, mergeFeedback(NO_FEEDBACK, parseAgentLine('ready')))).toMatchObject({ state: 'disabled' });
  });

  it('moves the dynamic threshold through the one limit derivation (maxconn:2 on a 100-connection service: 100 less 98)', () => {
    const vs = {
      name: 'v',
      services: [{ service: 'a' }, { service: 'b' }],
      spillover: { methods: [{ type: 'dynamicconnection' as const }], combine: 'any' as const, backup: null, action: 'drop' as const, redirectUrl: null },
    };
    const b = { name: 'b', weight: 1, capacity: 50, state: 'enabled' as const };
    const before = new LiveServices([vs], [{ name: 'a', ...s }, b], () => true);
    const after = new LiveServices([vs], [{ name: 'a', ...s, ...effectiveService(s, mergeFeedback(NO_FEEDBACK, parseAgentLine('maxconn:2'))) }, b], () => true);
    expect(before.limit('v')! - after.limit('v')!).toBe(98);
  });
});

describe('servedService: the agent-check layer, then the pushed one', () => {
  const s = { weight: 4, capacity: 100, state: 'enabled' as const };
  const f = (line: string) => mergeFeedback(NO_FEEDBACK, parseAgentLine(line));
  it('is the configured service without any layer', () => {
    expect(servedService(s, [])).toEqual({ weight: 4, capacity: 100, state: 'enabled', drain: false });
    expect(servedService(s, [undefined, undefined])).toEqual(servedService(s, []));
  });

  it('scales the weight layer on layer, lets a later maxconn replace an earlier one, and keeps a drain any layer said', () => {
    expect(servedService(s, [f('50%'), f('50%')])).toMatchObject({ weight: 1 });
    expect(servedService(s, [f('maxconn:10'), f('maxconn:2')])).toMatchObject({ capacity: 2 });
    expect(servedService(s, [f('maxconn:10'), f('75%')])).toMatchObject({ capacity: 10, weight: 3 });
    expect(servedService(s, [f('drain'), f('ready')])).toEqual({ weight: 4, capacity: 100, state: 'disabled', drain: true });
    expect(servedService(s, [undefined, f('maint')])).toMatchObject({ state: 'maintenance', drain: false });
    expect(servedService(s, [f('80%')])).toEqual(effectiveService(s, f('80%')));
  });
});
