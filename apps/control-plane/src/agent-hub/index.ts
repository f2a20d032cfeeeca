export { default as agentHub, type AgentHubPluginOptions, type StoredAgent } from './plugin.js';
export { default as controlPlaneHub, agentDocument, eventRow, type ControlPlaneHubOptions } from './control-plane-hub.js';
export { ReplicaChannel, REPLICA_CHANNEL } from './replica-channel.js';
export { AgentHub, type AgentHubOptions, type AgentRecord, type HubEvent } from './hub.js';
export { SnapshotCache, checkConsistency, type ConfigSnapshot } from './snapshot-cache.js';
export { HubErrors } from '../errors.js';
export { vserverLimit, type VServerLimit } from './limits.js';
export { vserverStatus, type VServerStatus } from './status.js';
export { renderMetrics } from './metrics.js';
