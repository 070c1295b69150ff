import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../fixtures/public/', import.meta.url));

/** A public fixture as text, exactly as stored (a BOM stays). */
export function fixtureText(name: string): string {
  return readFileSync(dir + name, 'utf8');
}

/** A public fixture's bytes. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(dir + name));
}

export const HAR_FIXTURES = [
  'auth0-login-firefox118.har',
  'mitmproxy-chrome114-postdata-bom.har',
  'mitmproxy-firefox111.har',
  'pagexray-chromehar-chrome148-redirect.har',
  'pagexray-chromehar-chrome66-lf-setcookie-redirects.har',
  'pagexray-firefox43-linkedin.har',
  'playwright-chromium103-redirects.har',
  'zap-firebug-ff36-lf-setcookie.har',
  'zap-firefox126-noresponse.har',
] as const;

export const SAML_TRACER_FIXTURES = [
  'samltracer-gen-sp-initiated-none.json',
  'samltracer-gen-sp-initiated-mask.json',
  'samltracer-gen-sp-initiated-remove.json',
] as const;

/** One HAR entry with sensible defaults; override what the test is about. */
export function harEntry(over: {
  request?: Record<string, unknown>;
  response?: Record<string, unknown> | null;
  [key: string]: unknown;
}): Record<string, unknown> {
  const { request, response, ...rest } = over;
  const entry: Record<string, unknown> = {
    startedDateTime: '2024-05-01T10:00:00.000Z',
    time: 10,
    request: {
      method: 'GET',
      url: 'https://app.example/',
      httpVersion: 'HTTP/1.1',
      headers: [],
      cookies: [],
      queryString: [],
      headersSize: -1,
      bodySize: 0,
      ...request,
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: [],
      cookies: [],
      content: { size: 0, mimeType: 'text/html' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
      ...response,
    },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
    ...rest,
  };
  if (response === null) delete entry.response;
  return entry;
}

/** A HAR 1.2 document around the entries, as JSON text. */
export function harText(entries: unknown[], log: Record<string, unknown> = {}): string {
  return JSON.stringify({
    log: {
      version: '1.2',
      creator: { name: 'Test', version: '1' },
      pages: [],
      entries,
      ...log,
    },
  });
}
