export { channelUrl, ControlClient, type ControlClientOptions, type ControlClientStatus, type AllowanceState } from './control-client.js';
export { Backoff, type BackoffOptions } from './backoff.js';
