// The agent's worker processes under node:cluster: how they share a listener (the scheduling
// policy), forking, restart on exit, readiness and the hand-off of connections between them.
import cluster from 'node:cluster';
import type { Logger } from './log.js';

export type SchedulingPolicy = 'rr' | 'none';

/** The policy node:cluster froze in this process (it reads it once, at the first setupPrimary/fork). */
let frozenPolicy: SchedulingPolicy | null = null;

/**
 * Sets cluster.schedulingPolicy before the first fork of this process and returns the policy in
 * effect: node:cluster reads it once, so a later agent of the same process asking for another
 * one gets the first (logged), never a silent mix.
 */
export function applySchedulingPolicy(policy: SchedulingPolicy, log: Logger): SchedulingPolicy {
  if (frozenPolicy === null) {
    cluster.schedulingPolicy = policy === 'rr' ? cluster.SCHED_RR : cluster.SCHED_NONE;
    frozenPolicy = policy;
  } else if (frozenPolicy !== policy) {
    log.warn(
      { event: 'scheduling_policy_fixed', wanted: policy, effective: frozenPolicy },
      `cluster scheduling policy is ${frozenPolicy} in this process (fixed at its first fork); ${policy} ignored`,
    );
  }
  return frozenPolicy;
}
