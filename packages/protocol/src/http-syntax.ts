// The syntax of what a configuration puts on the wire: request targets, Host values, header
// names and values, redirect URLs and listen addresses. One set of rules for the API (a 422 naming
// the field) and the agent (a document it refuses: NACK, 422 on /reload), so a value the API
// accepts never makes Node's http throw (ERR_UNESCAPED_CHARACTERS, ERR_INVALID_CHAR) in a probe or
// a response. Each check returns null when the value is fine, else why not (one sentence).
import { isIP } from 'node:net';

/** RFC 9110 §5.6.2 tchar. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §5.5 field-value without obs-text: visible ASCII, inner spaces and tabs. */
const FIELD_VALUE = /^(?:[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?)?$/;
/** RFC 3986 pchar (unreserved, sub-delims, ":", "@"), "/" and "?"; "%" only as pct-encoded. */
const ORIGIN_FORM = /^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/;
/** RFC 3986 characters of a URI (reserved, unreserved, "%" pct-encoded). */
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/;
/** RFC 9110 §7.2 Host: uri-host [":" port], uri-host an IP-literal or a reg-name. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)(?::[0-9]{1,5})?$/;

/** The first character a pattern refuses, quoted for a message (CR, LF, NUL and spaces by name). */
function offending(value: string, ok: (c: string) => boolean): string {
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (!ok(c)) {
      const code = c.charCodeAt(0);
      const name =
        c === ' '
          ? 'a space'
          : c === '\r'
            ? 'CR'
            : c === '\n'
              ? 'LF'
              : c === '\0'
                ? 'NUL'
                : code < 0x20 || code === 0x7f
                  ? `control character 0x${code.toString(16).padStart(2, '0')}`
                  : `"${c}"`;
      return `${name} at offset ${i}`;
    }
  }
  return 'a malformed percent-encoding';
}

/** A header name (RFC 9110 token). */
export function headerNameProblem(name: string): string | null {
  return TOKEN.test(name) ? null : `a header name must be an RFC 9110 token; it has ${offending(name, (c) => TOKEN.test(c))}`;
}

/** A header value (RFC 9110 field-value): no CR, LF, NUL or other control characters, no leading or trailing space. */
export function headerValueProblem(value: string): string | null {
  if (FIELD_VALUE.test(value)) return null;
  if (/^[\t ]|[\t ]$/.test(value)) return 'a header value must not start or end with a space or tab';
  return `a header value must be visible ASCII, spaces and tabs; it has ${offending(value, (c) => /[\t\x20-\x7e]/.test(c))}`;
}

/** A request target in origin-form (RFC 9112 §3.2.1): `/`, then path and query characters of RFC 3986; no spaces, no fragment. */
export function requestTargetProblem(path: string): string | null {
  if (!path.startsWith('/')) return 'a request path must start with /';
  if (ORIGIN_FORM.test(path)) return null;
  return `a request path must be / then RFC 3986 path and query characters (percent-encode the rest); it has ${offending(path, (c) => /[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/.test(c))}`;
}

/** A Host header value: a host name or IP literal with an optional port. */
export function hostHeaderProblem(host: string): string | null {
  if (HOST.test(host)) {
    const port = /:([0-9]+)$/.exec(host.startsWith('[') ? host.slice(host.indexOf(']')) : host)?.[1];
    return port !== undefined && Number(port) > 65535 ? 'the port of a Host value must be at most 65535' : null;
  }
  return `a Host value must be a host name or IP literal with an optional :port; it has ${offending(host, (c) => /[A-Za-z0-9\-._~!$&'()*+,;=:[\]%]/.test(c))}`;
}

/** An absolute http(s) URL that can be sent as a Location header. */
export function redirectUrlProblem(url: string): string | null {
  if (!URI_CHARS.test(url))
    return `a redirect URL must consist of RFC 3986 characters (percent-encode the rest); it has ${offending(url, (c) => /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/.test(c))}`;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'a redirect URL must be an absolute URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'a redirect URL must be http:// or https://';
  if (u.hostname === '') return 'a redirect URL must name a host';
  return null;
}

/** A listen address: an IPv4 or IPv6 address (0.0.0.0 or :: for every address). */
export function listenHostProblem(host: string): string | null {
  return isIP(host) === 0 ? 'a listen host must be an IPv4 or IPv6 address (0.0.0.0 or :: for every address)' : null;
}
