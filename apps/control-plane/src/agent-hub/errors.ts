export interface HubErrorDetail {
  path: string;
  message: string;
}

/** Errors of the agent hub; `code` is stable (`SPILLWAY_HUB_*`). */
export class HubError extends Error {
  readonly code: string;
  readonly details: HubErrorDetail[];
  constructor(code: string, message: string, details: HubErrorDetail[] = []) {
    super(message);
    this.name = 'HubError';
    this.code = code;
    this.details = details;
  }
}
