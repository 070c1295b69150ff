import type { Exchange } from '../model';
import { headerValue } from '../capture/headers';

/** Parameters of one hop, by where they travelled. Later values of a repeated name are kept too. */
export interface HopParams {
  query: URLSearchParams;
  fragment: URLSearchParams;
  /** Form fields of a urlencoded POST (from the browser's formData or the raw body). */
  form: URLSearchParams;
  /** A JSON request body, when the body was JSON (Auth0's credential POST, SPA token calls). */
  json?: Record<string, unknown>;
}

const EMPTY = (): URLSearchParams => new URLSearchParams();

/** Reads the query, fragment and body parameters of a hop. Never throws. */
export function hopParams(e: Exchange): HopParams {
  const params: HopParams = { query: EMPTY(), fragment: EMPTY(), form: EMPTY() };
  const hashAt = e.url.indexOf('#');
  const beforeHash = hashAt === -1 ? e.url : e.url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  if (queryAt !== -1) params.query = safeParams(beforeHash.slice(queryAt + 1));
  if (hashAt !== -1) params.fragment = safeParams(e.url.slice(hashAt + 1));
  const body = e.requestBody;
  if (body?.kind === 'form') {
    params.form = new URLSearchParams(body.fields);
  } else if (body?.kind === 'raw' && body.encoding === 'utf8') {
    const type = headerValue(e.requestHeaders, 'content-type') ?? '';
    const text = body.text.trim();
    if (/json/i.test(type) || text.startsWith('{')) {
      params.json = parseJsonObject(text);
    } else if (/x-www-form-urlencoded/i.test(type) || /^[\w.%-]+=/.test(text)) {
      params.form = safeParams(text);
    }
  }
  return params;
}

/** The value of a parameter wherever it travelled: query, then fragment, then form, then JSON. */
export function paramOf(p: HopParams, name: string): string | undefined {
  const fromJson = p.json?.[name];
  return (
    p.query.get(name) ??
    p.fragment.get(name) ??
    p.form.get(name) ??
    (typeof fromJson === 'string' ? fromJson : undefined)
  );
}

export function safeParams(text: string): URLSearchParams {
  try {
    return new URLSearchParams(text);
  } catch {
    return EMPTY();
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** scheme://host[:port] of a URL, or '' when it does not parse. */
export function originOf(url: string): string {
  try {
    const u = new URL(url);
    return u.origin === 'null' ? '' : u.origin;
  } catch {
    return '';
  }
}

/** The URL without query and fragment: how redirect URIs and endpoints are compared. */
export function endpointOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.replace(/[?#].*$/, '');
  }
}

/** Loopback hosts, where plain http is normal (RFC 8252 7.3) and not a problem. */
export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return (
      host === 'localhost' ||
      host.endsWith('.localhost') ||
      host === '[::1]' ||
      /^127\.\d+\.\d+\.\d+$/.test(host)
    );
  } catch {
    return false;
  }
}
