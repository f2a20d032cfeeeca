export { createAgent, type Agent, type AgentOptions, type AgentStats, type VServerStats, type ServiceStats } from './agent.js';
export { parseAgentConfig, type AgentConfig } from './config.js';
export { startAdminServer } from './admin-server.js';
export { AgentError } from './errors.js';
