// Decoding of channel frames: JSON, then the schema of the message's own `type` (so an error
// names the faulty field, not "no union member matched"). Never throws.
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import {
  Ack,
  Allowance,
  BandwidthShares,
  ConfigDelta,
  Borrow,
  FeedbackPush,
  Grant,
  Heartbeat,
  HeartbeatAck,
  Hello,
  Instruction,
  Nack,
  ProtocolErrorMessage,
  RemoteLoads,
  Report,
  Return,
  Revoke,
  RevokeAck,
  Resync,
  Select,
  SelectTouch,
  ServiceStates,
  SiteWeights,
  Snapshot,
  Transition,
  Welcome,
  type AgentMessage,
  type ControlMessage,
} from './messages.js';

export interface DecodeProblem {
  path: string;
  message: string;
}
export type Decoded<T> = { ok: true; message: T } | { ok: false; code: DecodeErrorCode; message: string; ref?: string; details: DecodeProblem[] };
export type DecodeErrorCode = 'SPILLWAY_PROTOCOL_MALFORMED' | 'SPILLWAY_PROTOCOL_UNKNOWN_TYPE' | 'SPILLWAY_PROTOCOL_INVALID';

function compileAll(schemas: Record<string, TSchema>): Map<string, TypeCheck<TSchema>> {
  return new Map(Object.entries(schemas).map(([k, s]) => [k, TypeCompiler.Compile(s)]));
}

const fromAgent = compileAll({
  hello: Hello,
  ack: Ack,
  nack: Nack,
  report: Report,
  transition: Transition,
  borrow: Borrow,
  return: Return,
  'revoke-ack': RevokeAck,
  heartbeat: Heartbeat,
  resync: Resync,
  select: Select,
  'select-touch': SelectTouch,
  error: ProtocolErrorMessage,
});
const fromControl = compileAll({
  welcome: Welcome,
  snapshot: Snapshot,
  delta: ConfigDelta,
  'service-states': ServiceStates,
  'bandwidth-shares': BandwidthShares,
  'site-weights': SiteWeights,
  allowance: Allowance,
  grant: Grant,
  revoke: Revoke,
  'heartbeat-ack': HeartbeatAck,
  'service-feedback': FeedbackPush,
  'service-loads': RemoteLoads,
  instruction: Instruction,
  error: ProtocolErrorMessage,
});

const MAX_PROBLEMS = 10;

function decode<T>(checks: Map<string, TypeCheck<TSchema>>, frame: string | Buffer): Decoded<T> {
  let value: unknown;
  try {
    value = JSON.parse(typeof frame === 'string' ? frame : frame.toString('utf8'));
  } catch (err) {
    return { ok: false, code: 'SPILLWAY_PROTOCOL_MALFORMED', message: `not JSON: ${(err as Error).message}`, details: [] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'SPILLWAY_PROTOCOL_MALFORMED', message: 'a message must be a JSON object', details: [] };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string')
    return {
      ok: false,
      code: 'SPILLWAY_PROTOCOL_MALFORMED',
      message: 'a message needs a string `type`',
      details: [{ path: '/type', message: 'required string' }],
    };
  const check = checks.get(type);
  if (!check)
    return {
      ok: false,
      code: 'SPILLWAY_PROTOCOL_UNKNOWN_TYPE',
      message: `unknown message type ${JSON.stringify(type.slice(0, 50))}`,
      ref: type.slice(0, 50),
      details: [],
    };
  if (!check.Check(value)) {
    const details: DecodeProblem[] = [];
    for (const e of check.Errors(value)) {
      details.push({ path: e.path, message: e.message });
      if (details.length >= MAX_PROBLEMS) break;
    }
    return { ok: false, code: 'SPILLWAY_PROTOCOL_INVALID', message: `invalid ${type} message`, ref: type, details };
  }
  return { ok: true, message: value as T };
}

/** Decodes a frame received by the control plane. */
export function decodeAgentMessage(frame: string | Buffer): Decoded<AgentMessage> {
  return decode<AgentMessage>(fromAgent, frame);
}
/** Decodes a frame received by an agent. */
export function decodeControlMessage(frame: string | Buffer): Decoded<ControlMessage> {
  return decode<ControlMessage>(fromControl, frame);
}

/** Checks an outgoing message against its schema (the sender's side of "validated on both sides"). */
export function isValidAgentMessage(msg: AgentMessage): boolean {
  return fromAgent.get(msg.type)?.Check(msg) ?? false;
}
export function isValidControlMessage(msg: ControlMessage): boolean {
  return fromControl.get(msg.type)?.Check(msg) ?? false;
}
