export { default as agentHub, type AgentHubPluginOptions } from './plugin.js';
export { AgentHub, type AgentHubOptions, type AgentRecord, type HubEvent } from './hub.js';
export { SnapshotCache, checkConsistency, type ConfigSnapshot } from './snapshot-cache.js';
export { HubError } from './errors.js';
export { vserverLimit, type VServerLimit } from './limits.js';
export { vserverStatus, type VServerStatus } from './status.js';
export { renderMetrics } from './metrics.js';
