export * from './messages.js';
export { reportChanges, wholeReport } from './report.js';
export {
  decodeAgentMessage,
  decodeControlMessage,
  isValidAgentMessage,
  isValidControlMessage,
  type Decoded,
  type DecodeProblem,
  type DecodeErrorCode,
} from './codec.js';
export { ChannelClient, ChannelError, type ChannelClientOptions } from './channel-client.js';
export { SimulatedAgent, type SimulatedAgentOptions, type AllowanceState } from './simulated-agent.js';
export { parsePoolKey, poolKeyOf, poolRef, serviceKey } from './pool-key.js';
export { headerNameProblem, headerValueProblem, hostHeaderProblem, listenHostProblem, redirectUrlProblem, requestTargetProblem } from './http-syntax.js';
export * from './document/index.js';
export * from './proxy-v2.js';
export { MIGRATION_PATHS, importToken, postControl, type ControlCall } from './migration-wire.js';
export {
  RESOURCE_KINDS,
  ResourceSet,
  changeCount,
  checkConsistency,
  compose,
  emptyChanges,
  type Changes,
  type ReferenceProblem,
  type ResourceKind,
} from './resources.js';
