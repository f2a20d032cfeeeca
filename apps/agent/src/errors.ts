export interface ErrorDetail {
  path: string;
  message: string;
}

/** Every error the agent raises on purpose carries a stable `SPILLWAY_AGENT_*` code. */
export class AgentError extends Error {
  readonly code: string;
  readonly details: ErrorDetail[];
  constructor(code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'AgentError';
    this.code = code;
    this.details = details;
  }
}
