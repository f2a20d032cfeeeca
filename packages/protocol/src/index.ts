export * from './messages.js';
export { decodeAgentMessage, decodeControlMessage, isValidAgentMessage, isValidControlMessage, type Decoded, type DecodeProblem, type DecodeErrorCode } from './codec.js';
