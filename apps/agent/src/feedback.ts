// The document an agent serves under application feedback: the configured one with each service's
// weight, capacity and state as core's servedService says — its own agent-check probes' feedback
// first, then what the service's backends pushed to the control plane (sent as service-feedback)
// on top, the same derivation the control plane's thresholds use — binding weights scaled alike,
// so selection, per-service capacity, the dynamic threshold (LiveServices) and health all follow
// the feedback through the paths that already read the document. Without feedback: the same object.
import { feedbackWeight, servedService, type AgentFeedback } from '@spillway/core';
import type { AgentConfig } from './config.js';

type ByService = Readonly<Record<string, AgentFeedback>>;

export function servedConfig(configured: AgentConfig, feedback: ByService, pushed: ByService = {}): AgentConfig {
  if (Object.keys(feedback).length === 0 && Object.keys(pushed).length === 0) return configured;
  const layers = (name: string): Array<AgentFeedback | undefined> => [feedback[name], pushed[name]];
  const under = (name: string): boolean => feedback[name] !== undefined || pushed[name] !== undefined;
  return {
    ...configured,
    services: configured.services.map((s) => {
      if (!under(s.name)) return s;
      const e = servedService(s, layers(s.name));
      return { ...s, weight: e.weight, capacity: e.capacity, state: e.state };
    }),
    vservers: configured.vservers.map((v) =>
      v.services.some((b) => b.weight !== undefined && under(b.service))
        ? {
            ...v,
            services: v.services.map((b) =>
              b.weight !== undefined && under(b.service) ? { ...b, weight: layers(b.service).reduce((w, f) => (f ? feedbackWeight(w, f) : w), b.weight) } : b,
            ),
          }
        : v,
    ),
  };
}
