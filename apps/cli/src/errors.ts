// The CLI's one error type. An API error keeps the server's code, status, message and field
// paths; everything the CLI itself refuses has a SPILLWAY_CLI_* code. Either way exit code 1.
export interface ErrorDetail {
  path: string;
  message: string;
}

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    /** HTTP status of an API error; undefined for errors of the CLI itself. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The API's error body `{statusCode, code, error, message, details[]}`, when `body` is one. */
export function fromApiError(status: number, body: unknown): CliError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { code?: unknown; message?: unknown; details?: unknown };
  const details = Array.isArray(b.details)
    ? b.details
        .filter(
          (d): d is ErrorDetail =>
            typeof d === 'object' && d !== null && typeof (d as ErrorDetail).path === 'string' && typeof (d as ErrorDetail).message === 'string',
        )
        .map((d) => ({ path: d.path, message: d.message }))
    : [];
  const code = typeof b.code === 'string' ? b.code : `HTTP_${status}`;
  const message = typeof b.message === 'string' ? b.message : typeof body === 'string' && body ? body.slice(0, 500) : `the API answered ${status}`;
  return new CliError(code, message, details, status);
}
