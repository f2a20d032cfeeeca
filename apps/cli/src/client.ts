// The typed REST client: openapi-fetch over the types openapi-typescript generated from
// openapi/openapi.json (src/generated/openapi.ts), so every path, parameter and body the CLI
// uses is checked against the document at build time.
import createClient, { type Client } from 'openapi-fetch';
import { CliError, fromApiError } from './errors.js';
import type { paths } from './generated/openapi.js';
import type { Settings } from './settings.js';

export type Api = Client<paths>;

export function createApi(settings: Settings): Api {
  const client = createClient<paths>({ baseUrl: settings.url });
  client.use({
    onRequest({ request }) {
      if (settings.token !== undefined) request.headers.set('authorization', `Bearer ${settings.token}`);
      request.headers.set('user-agent', 'spillway-cli');
      return request;
    },
  });
  return client;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The body of a successful answer; an API error becomes a CliError with the server's code,
 * message and field paths, a failed connection one that names the URL.
 */
export async function unwrap<T>(url: string, call: Promise<Answer<T>>): Promise<{ data: T; response: Response }> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError('SPILLWAY_CLI_UNREACHABLE', `cannot reach the control plane at ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  if (!answer.response.ok) throw fromApiError(answer.response.status, answer.error);
  return { data: answer.data as T, response: answer.response };
}

/** Every item of a paginated list (`{items, nextCursor}`), page by page. */
export async function listAll<T>(url: string, page: (cursor: string | undefined) => Promise<Answer<{ items: T[]; nextCursor: string | null }>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const { data } = await unwrap(url, page(cursor));
    out.push(...data.items);
    if (data.nextCursor === null || data.items.length === 0) return out;
    cursor = data.nextCursor;
  }
}

/** The version an ETag names (`"7"` or `W/"7"`), or null. */
export function versionOfEtag(etag: string | null): number | null {
  const m = etag === null ? null : /^(?:W\/)?"(\d+)"$/.exec(etag.trim());
  return m ? Number(m[1]) : null;
}
