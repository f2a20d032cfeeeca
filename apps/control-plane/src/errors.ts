// The one JSON error shape of every 4xx/5xx answer (API-SHAPE.md):
// {statusCode, code, error, message, details[{path, message}]}.
import { STATUS_CODES } from 'node:http';

export interface ErrorDetail {
  path: string;
  message: string;
  code?: string;
}

export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  details: ErrorDetail[];
}

/** The reason phrase of `statusCode` ("Unprocessable Entity"). */
export function reasonPhrase(statusCode: number): string {
  return STATUS_CODES[statusCode] ?? (statusCode >= 500 ? 'Internal Server Error' : 'Bad Request');
}

export function errorBody(statusCode: number, code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { statusCode, code, error: reasonPhrase(statusCode), message, details };
}

/** Codes the error handler gives to the framework's own errors. */
export const ErrorCodes = {
  validation: 'SPILLWAY_VALIDATION_FAILED',
  invalidJson: 'SPILLWAY_INVALID_JSON',
  bodyTooLarge: 'SPILLWAY_BODY_TOO_LARGE',
  unsupportedMediaType: 'SPILLWAY_UNSUPPORTED_MEDIA_TYPE',
  notFound: 'SPILLWAY_NOT_FOUND',
  internal: 'SPILLWAY_INTERNAL',
  notReady: 'SPILLWAY_NOT_READY',
  databaseUnavailable: 'SPILLWAY_DATABASE_UNAVAILABLE',
} as const;
