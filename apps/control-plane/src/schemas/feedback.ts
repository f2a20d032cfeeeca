// Application feedback a backend pushes (POST /v1/services/{name}/feedback): one line of
// HAProxy agent-check words, and the feedback in force after it.
import { Type } from '@sinclair/typebox';
import { Closed } from './common.js';

export const FeedbackLine = Closed(
  {
    line: Type.String({
      maxLength: 1024,
      description:
        "One line in HAProxy's agent-check vocabulary, words separated by spaces, tabs or commas, any order: N% (weight relative to the configured one), maxconn:N (the service's effective capacity, so the dynamic threshold moves), ready / drain (no new connection, open ones continue) / maint, up / down / fail / stopped, and after # a description. A line changes only what it mentions; unknown words are ignored and listed",
      examples: ['drain', '50% maxconn:20', 'stopped # upgrade'],
    }),
  },
  { title: 'FeedbackLine', examples: [{ line: '75% maxconn:40' }] },
);

export const FeedbackState = Closed(
  {
    weightPercent: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'null: the configured weight' }),
    maxconn: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'null: the configured capacity' }),
    admin: Type.Union([Type.Literal('ready'), Type.Literal('drain'), Type.Literal('maint')]),
    health: Type.Union([Type.Literal('up'), Type.Literal('down')]),
    reason: Type.Union([Type.String(), Type.Null()], { description: 'Why DOWN (the word and the description), null while up' }),
  },
  { title: 'FeedbackState' },
);

export const Feedback = Closed(
  {
    service: Type.String(),
    line: Type.String({ description: 'The last line pushed' }),
    feedback: FeedbackState,
    updatedAt: Type.String({ format: 'date-time' }),
    unknown: Type.Optional(Type.Array(Type.String(), { description: 'Words of the line that mean nothing here (ignored)' })),
  },
  {
    title: 'Feedback',
    examples: [
      {
        service: 'web-1',
        line: '50% drain',
        feedback: { weightPercent: 50, maxconn: null, admin: 'drain', health: 'up', reason: null },
        updatedAt: '2026-01-01T00:00:00.000Z',
        unknown: [],
      },
    ],
  },
);
