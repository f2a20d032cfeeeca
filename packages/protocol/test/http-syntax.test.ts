// The wire-syntax rules every config value that reaches a request line or a header goes through
// (API 422, agent NACK): each refused value is one Node's http would throw on, or an injection.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { headerNameProblem, headerValueProblem, hostHeaderProblem, listenHostProblem, redirectUrlProblem, requestTargetProblem } from '../src/index.js';

/** Whether node:http accepts `path` and `host` in a request it would send (no socket is opened). */
function nodeSends(path: string, host = 'example.test'): boolean {
  try {
    const req = http.request({ host: '127.0.0.1', port: 9, path, headers: { host }, agent: false });
    req.on('error', () => {});
    req.destroy();
    return true;
  } catch {
    return false;
  }
}

describe('request targets', () => {
  it('accepts origin-form paths with queries and percent-encodings', () => {
    for (const p of ['/', '/healthz', '/a/b;c=d', '/status?full=1&x=%20y', "/~user/!$&'()*+,;=:@"]) {
      expect(requestTargetProblem(p), p).toBeNull();
      expect(nodeSends(p), p).toBe(true);
    }
  });

  it('refuses spaces, CR, LF, NUL, fragments, bad percent-encodings and relative paths, naming the offending character', () => {
    expect(requestTargetProblem('/health check')).toContain('a space at offset 7');
    expect(requestTargetProblem('/h\r\nX-Injected: 1')).toContain('CR at offset 2');
    expect(requestTargetProblem('/h\nx')).toContain('LF at offset 2');
    expect(requestTargetProblem('/h\u0000')).toContain('NUL at offset 2');
    expect(requestTargetProblem('/h#frag')).toContain('"#"');
    expect(requestTargetProblem('/%zz')).not.toBeNull();
    expect(requestTargetProblem('/é')).not.toBeNull();
    expect(requestTargetProblem('healthz')).toBe('a request path must start with /');
    // Node itself throws on the ones that crashed the probe.
    expect(nodeSends('/health check')).toBe(false);
  });
});

describe('header names, values and Host', () => {
  it('takes RFC 9110 tokens as names and field-values without control characters as values', () => {
    expect(headerNameProblem('X-Check')).toBeNull();
    expect(headerNameProblem('X Check')).toContain('a space');
    expect(headerNameProblem('X:')).not.toBeNull();
    expect(headerValueProblem('text/html; q=0.9')).toBeNull();
    expect(headerValueProblem('')).toBeNull();
    expect(headerValueProblem('a\r\nSet-Cookie: x')).toContain('CR');
    expect(headerValueProblem(' padded')).toContain('start or end');
    expect(headerValueProblem('nul\u0000')).toContain('NUL');
  });

  it('takes host names and IP literals with an optional port as Host values', () => {
    for (const h of ['example.com', 'example.com:8080', '10.0.0.1', '[::1]:443', 'xn--bcher-kva.example']) {
      expect(hostHeaderProblem(h), h).toBeNull();
      expect(nodeSends('/', h), h).toBe(true);
    }
    for (const h of ['a b', 'a\r\nb', 'host/path', 'a@b', 'exa mple:80', 'x:99999', 'bücher.example']) expect(hostHeaderProblem(h), h).not.toBeNull();
  });
});

describe('redirect URLs and listen hosts', () => {
  it('takes absolute http(s) URLs of RFC 3986 characters only', () => {
    expect(redirectUrlProblem('https://status.example.com/busy?from=web#top')).toBeNull();
    expect(redirectUrlProblem('http://[::1]:8080/')).toBeNull();
    expect(redirectUrlProblem('javascript:alert(1)')).toBe('a redirect URL must be http:// or https://');
    expect(redirectUrlProblem('https://x/\u0001')).toContain('control character 0x01');
    expect(redirectUrlProblem('https://例え.jp/')).not.toBeNull();
    expect(redirectUrlProblem('https://x/a b')).toContain('a space');
    expect(redirectUrlProblem('/relative')).toBe('a redirect URL must be an absolute URL');
  });

  it('takes IP addresses as listen hosts', () => {
    for (const h of ['0.0.0.0', '127.0.0.2', '::', '::1']) expect(listenHostProblem(h), h).toBeNull();
    for (const h of ['localhost', '127.0.0.1 ', '', '999.1.1.1', '0.0.0.0:80']) expect(listenHostProblem(h), h).not.toBeNull();
  });
});
