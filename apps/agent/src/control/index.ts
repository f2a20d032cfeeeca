export { channelUrl, ControlClient, type ControlClientOptions, type ControlClientStatus, type AllocationState } from './control-client.js';
export { Backoff, type BackoffOptions } from './backoff.js';
