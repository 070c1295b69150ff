import { headerValue, headerValues, normalizeHeaders } from '../capture/headers';
import type { RawHeader } from '../capture/events';
import type { Exchange, FrameType, Header } from '../model';
import { at, fail, isObject, own, readArray } from './validate';

/** Response bodies are kept up to this many bytes of UTF-8 each. */
export const MAX_RESPONSE_BODY_BYTES = 256 * 1024;

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Milliseconds since the epoch of an ISO-8601 date-time, offsets included ("…-03:00", "…Z",
 * any number of fraction digits), or of a number of epoch milliseconds. A date-time without
 * an offset is read as UTC. Undefined when the value is not a date.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = ISO_DATE.exec(value.trim());
  if (!m) {
    const parsed = Date.parse(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const fraction = frac ? Number(`0.${frac}`) * 1000 : 0;
  let time = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s ?? 0),
    Math.floor(fraction),
  );
  if (!Number.isFinite(time)) return undefined;
  time += fraction - Math.floor(fraction);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
    time -= sign * offset * 60_000;
  }
  return time;
}

/** True when the date-time string names no offset (so reading it as UTC was a guess). */
export function lacksOffset(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value.trim());
  return m !== null && m[8] === undefined;
}

/** `target` resolved against `base`, or undefined when either is not a URL. */
export function resolveUrl(target: string, base: string): string | undefined {
  try {
    return new URL(target, base).href;
  } catch {
    return undefined;
  }
}

/** The URL without its fragment, normalized; the input itself when it does not parse. */
export function withoutFragment(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    return parsed.href;
  } catch {
    return url.split('#')[0] ?? url;
  }
}

/** The origin of a URL, or undefined ("null" origins included). */
export function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

export function isRedirectStatus(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304;
}

/**
 * Where a hop redirected to: the producer's redirect URL, else the Location header, resolved
 * against the request URL (fragment kept). Only for 3xx statuses other than 304.
 */
export function redirectTarget(
  status: number,
  url: string,
  responseHeaders: readonly Header[],
  reported?: string,
): string | undefined {
  if (!isRedirectStatus(status)) return undefined;
  const raw = reported?.trim() || headerValue(responseHeaders, 'location')?.trim();
  if (!raw) return undefined;
  return resolveUrl(raw, url) ?? raw;
}

/**
 * Reads a header list from a file: `{name, value}` objects (HAR, SAML-tracer) or
 * `[name, value]` pairs (legacy SAML-tracer). Numbers and booleans become strings, a missing
 * value an empty string. HTTP/2 pseudo-headers (":authority", ...) are dropped. Set-Cookie
 * values joined with "\n" are split into one header each (normalizeHeaders).
 */
export function readHeaders(value: unknown, path: string): Header[] {
  if (value === undefined || value === null) return [];
  const raw: RawHeader[] = [];
  readArray(value, path).forEach((item, index) => {
    const itemPath = at(path, index);
    let name: unknown;
    let headerValue: unknown;
    if (Array.isArray(item)) {
      [name, headerValue] = item as unknown[];
    } else if (isObject(item)) {
      name = own(item, 'name');
      headerValue = own(item, 'value');
    } else {
      fail(itemPath, 'a header ({name, value})', item);
    }
    if (typeof name !== 'string') fail(at(itemPath, 'name'), 'a string', name);
    if (name.startsWith(':')) return;
    raw.push({ name, value: headerText(headerValue, at(itemPath, 'value')) });
  });
  return normalizeHeaders(raw);
}

function headerText(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(path, 'a string', value);
}

/** True when any hop carries a Cookie or Set-Cookie header. */
export function anyCookieHeader(exchanges: readonly Exchange[]): boolean {
  return exchanges.some(
    (x) =>
      headerValues(x.requestHeaders, 'cookie').length > 0 ||
      headerValues(x.responseHeaders, 'set-cookie').length > 0,
  );
}

/** Form fields of an application/x-www-form-urlencoded text, decoded, in order. */
export function parseUrlencoded(text: string): [string, string][] {
  const fields: [string, string][] = [];
  for (const [name, value] of new URLSearchParams(text)) fields.push([name, value]);
  return fields;
}

/** The text cut to at most `maxBytes` of UTF-8, without splitting a character. */
export function capUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  if (text.length * 3 <= maxBytes) return { text, truncated: false };
  // Every character is at least one byte: the first maxBytes characters are enough to look at.
  const head = text.length > maxBytes ? text.slice(0, maxBytes) : text;
  const bytes = new TextEncoder().encode(head);
  if (bytes.length <= maxBytes) return { text: head, truncated: head !== text };
  let end = maxBytes;
  // Back up to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: new TextDecoder().decode(bytes.subarray(0, end)), truncated: true };
}

const DEST_TYPES: Record<string, FrameType> = {
  document: 'main_frame',
  iframe: 'sub_frame',
  frame: 'sub_frame',
  empty: 'xmlhttprequest',
  script: 'script',
  style: 'stylesheet',
  image: 'image',
  font: 'font',
  audio: 'media',
  video: 'media',
  track: 'media',
  object: 'object',
  embed: 'object',
  report: 'csp_report',
};

/**
 * A webRequest resource type guessed from what a file kept: Sec-Fetch-Dest, else a request
 * for HTML answered with HTML (or a redirect) is a main_frame navigation, else the response
 * content type. "other" when nothing tells.
 */
export function guessFrameType(
  requestHeaders: readonly Header[],
  responseHeaders: readonly Header[],
  status: number,
  responseMimeType?: string,
): FrameType {
  const dest = headerValue(requestHeaders, 'sec-fetch-dest')?.trim().toLowerCase();
  if (dest && Object.hasOwn(DEST_TYPES, dest)) return DEST_TYPES[dest] ?? 'other';
  if (headerValue(requestHeaders, 'sec-fetch-mode')?.trim().toLowerCase() === 'navigate') {
    return 'main_frame';
  }
  const accept = (headerValue(requestHeaders, 'accept') ?? '').toLowerCase();
  const contentType = (
    responseMimeType ||
    headerValue(responseHeaders, 'content-type') ||
    ''
  ).toLowerCase();
  if (
    accept.startsWith('text/html') &&
    (contentType.includes('html') || contentType === '' || isRedirectStatus(status))
  ) {
    return 'main_frame';
  }
  if (contentType.startsWith('image/')) return 'image';
  if (contentType.includes('css')) return 'stylesheet';
  if (contentType.includes('javascript') || contentType.includes('ecmascript')) return 'script';
  if (contentType.startsWith('font/') || contentType.includes('woff')) return 'font';
  if (contentType.startsWith('audio/') || contentType.startsWith('video/')) return 'media';
  if (contentType.includes('json')) return 'xmlhttprequest';
  return 'other';
}

/**
 * Links redirect hops into chains, as capture does: a hop whose URL is the target of an
 * earlier, not yet followed redirect (fragments ignored) becomes that chain's next hop, with
 * `hop` one more and the chain's requestId. With `sameRequestId`, only hops that already share
 * the requestId are linked (the file's ids are trusted). Hops of different tabs are never
 * linked (a HAR's pages are one tab's successive documents, so its tabIds are not compared).
 */
export function linkRedirectChains(
  exchanges: Exchange[],
  options: { sameRequestId: boolean; sameTab: boolean },
): void {
  const tab = (x: Exchange): string => (options.sameTab ? String(x.tabId) : '*');
  const pending = new Map<string, Exchange[]>();
  for (const exchange of exchanges) {
    const key = `${tab(exchange)} ${withoutFragment(exchange.url)}`;
    const waiting = pending.get(key);
    const index = waiting?.findIndex(
      (parent) => !options.sameRequestId || parent.requestId === exchange.requestId,
    );
    if (waiting && index !== undefined && index >= 0) {
      const [parent] = waiting.splice(index, 1);
      if (waiting.length === 0) pending.delete(key);
      if (parent) {
        exchange.hop = parent.hop + 1;
        exchange.requestId = parent.requestId;
      }
    }
    if (exchange.redirectUrl) {
      const target = `${tab(exchange)} ${withoutFragment(exchange.redirectUrl)}`;
      const list = pending.get(target);
      if (list) list.push(exchange);
      else pending.set(target, [exchange]);
    }
  }
}
