// @spillway/core: the spillover engine as pure logic, no I/O. Shared by the control plane, the
// agent and the benchmarks.
export * from './types.js';
export * from './threshold.js';
export * from './health.js';
export * from './rate-meter.js';
export * from './policy.js';
export * from './monitor.js';
export * from './quota-pool.js';
export * from './quota-manager.js';
export * from './quota-engine.js';
export * from './chain.js';
export * from './admission.js';
export * from './limits.js';
export * from './balancer.js';
export * from './weighted.js';
export * from './persistence.js';
export * from './sites.js';
export * from './spill-episodes.js';
export * from './agent-check.js';
