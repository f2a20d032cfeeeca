// The document an agent serves under agent-check feedback: the configured one with each service's
// weight, capacity and state as core's effectiveService says (binding weights scaled alike), so
// selection, per-service capacity, the dynamic threshold (LiveServices) and health all follow the
// feedback through the paths that already read the document. Without feedback: the same object.
import { effectiveService, feedbackWeight, type AgentFeedback } from '@spillway/core';
import type { AgentConfig } from './config.js';

export function servedConfig(configured: AgentConfig, feedback: Readonly<Record<string, AgentFeedback>>): AgentConfig {
  if (Object.keys(feedback).length === 0) return configured;
  return {
    ...configured,
    services: configured.services.map((s) => {
      const f = feedback[s.name];
      if (!f) return s;
      const e = effectiveService(s, f);
      return { ...s, weight: e.weight, capacity: e.capacity, state: e.state };
    }),
    vservers: configured.vservers.map((v) =>
      v.services.some((b) => b.weight !== undefined && feedback[b.service])
        ? {
            ...v,
            services: v.services.map((b) => {
              const f = feedback[b.service];
              return b.weight !== undefined && f ? { ...b, weight: feedbackWeight(b.weight, f) } : b;
            }),
          }
        : v,
    ),
  };
}
