import { headerValue, headerValues } from '../capture/headers';
import type { Exchange, FrameType, Header, RequestBody } from '../model';
import { parseCookieHeader, parseSetCookie } from '../protocol/cookies';

/** A name/value pair of a HAR (header, query parameter, form field). */
export interface HarNameValue {
  name: string;
  value: string;
}

/** A HAR cookie (`sameSite` is Chrome's and Playwright's addition). */
export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  /** ISO-8601 date-time. */
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
}

export interface HarPostData {
  mimeType: string;
  params?: HarNameValue[];
  text?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
}

export interface HarContent {
  size: number;
  mimeType: string;
  text?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
}

export interface HarTimings {
  blocked: number;
  send: number;
  wait: number;
  receive: number;
}

/** What Session Tracer keeps of a hop that HAR 1.2 has no member for. */
export interface HarSessionTracerExtra {
  exchangeId: string;
  tabId: number;
  frameId: number;
  frameType: FrameType;
  requestId: string;
  hop: number;
  error?: string;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  serverIPAddress?: string;
  /** Chrome's members, which Chrome's and our HAR importers read back. */
  _resourceType: string;
  _requestId: string;
  _initiator?: { type: 'other'; url: string };
  _fromCache?: 'disk';
  _error?: string;
  _sessionTracer: HarSessionTracerExtra;
}

export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: Record<string, never>;
}

export interface HarFile {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    pages: HarPage[];
    entries: HarEntry[];
    comment: string;
  };
}

export interface HarExportOptions {
  creator: { name: string; version: string };
  /** The time of the export (lib/ reads no clock), written in `log.comment`. */
  now: number;
}

/** webRequest resource types as Chrome's `_resourceType` (the importer maps them back). */
const RESOURCE_TYPES: Record<string, string> = {
  main_frame: 'document',
  sub_frame: 'document',
  stylesheet: 'stylesheet',
  script: 'script',
  image: 'image',
  imageset: 'image',
  font: 'font',
  media: 'media',
  xmlhttprequest: 'xhr',
  websocket: 'websocket',
  ping: 'ping',
  beacon: 'ping',
  csp_report: 'cspviolationreport',
};

/**
 * Writes exchanges as a HAR 1.2 file (an object; `JSON.stringify` it) that Chrome's and
 * Firefox's DevTools open and that importHar reads back into the same exchanges: one entry per
 * hop in the given order, request and response headers as recorded (one header per
 * Set-Cookie), cookie arrays parsed from the Cookie and Set-Cookie headers, form bodies as
 * `postData` with both `params` and urlencoded `text`, text response bodies as `content.text`,
 * timings as non-negative phases, and one HAR page per browser tab.
 *
 * What HAR has no member for goes into Chrome's `_resourceType`, `_requestId`, `_initiator`,
 * `_fromCache`, `_error` and our own `_sessionTracer` (exchange id, tab, frame, resource type,
 * redirect chain). Does not redact: pass records that are already redacted.
 */
export function toHar(
  records: {
    exchanges: readonly Exchange[];
    responseBodies?: Readonly<Record<string, string>>;
  },
  options: HarExportOptions,
): HarFile {
  const pages: HarPage[] = [];
  const pageOfTab = new Map<number, string>();
  const entries = records.exchanges.map((exchange) => {
    let pageref: string | undefined;
    if (exchange.tabId >= 0) {
      pageref = pageOfTab.get(exchange.tabId);
      if (pageref === undefined) {
        pageref = `page_${pages.length + 1}`;
        pageOfTab.set(exchange.tabId, pageref);
        pages.push({
          startedDateTime: isoTime(exchange.startedAt),
          id: pageref,
          title: `Tab ${exchange.tabId}`,
          pageTimings: {},
        });
      }
    }
    return toEntry(exchange, records.responseBodies?.[exchange.id], pageref);
  });
  return {
    log: {
      version: '1.2',
      creator: { name: options.creator.name, version: options.creator.version },
      pages,
      entries,
      comment: `Exported by ${options.creator.name} at ${isoTime(options.now)}`,
    },
  };
}

function toEntry(exchange: Exchange, body: string | undefined, pageref?: string): HarEntry {
  const status = parseStatusLine(exchange.statusLine);
  const httpVersion = status.version ?? 'HTTP/1.1';
  const postData = toPostData(exchange.requestBody, exchange.requestHeaders);
  const timings = toTimings(exchange);
  const extra: HarSessionTracerExtra = {
    exchangeId: exchange.id,
    tabId: exchange.tabId,
    frameId: exchange.frameId,
    frameType: exchange.type,
    requestId: exchange.requestId,
    hop: exchange.hop,
  };
  if (exchange.error !== undefined) extra.error = exchange.error;

  const entry: HarEntry = {
    startedDateTime: isoTime(exchange.startedAt),
    time: timings.blocked + timings.send + timings.wait + timings.receive,
    request: {
      method: exchange.method,
      url: harUrl(exchange.url),
      httpVersion,
      cookies: requestCookies(exchange.requestHeaders),
      headers: exchange.requestHeaders.map(copyHeader),
      queryString: queryOf(exchange.url),
      headersSize: -1,
      bodySize: postData?.text !== undefined ? utf8Length(postData.text) : 0,
    },
    response: {
      status: exchange.status,
      statusText: status.text ?? '',
      httpVersion,
      cookies: responseCookies(exchange.responseHeaders),
      headers: exchange.responseHeaders.map(copyHeader),
      content: toContent(body, exchange.responseHeaders),
      redirectURL: exchange.redirectUrl ?? '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings,
    _resourceType: RESOURCE_TYPES[exchange.type] ?? 'other',
    _requestId: exchange.requestId,
    _sessionTracer: extra,
  };
  if (pageref !== undefined) entry.pageref = pageref;
  if (postData) entry.request.postData = postData;
  if (exchange.ip && isIpAddress(exchange.ip)) entry.serverIPAddress = exchange.ip;
  if (exchange.initiator) entry._initiator = { type: 'other', url: exchange.initiator };
  if (exchange.fromCache) entry._fromCache = 'disk';
  if (exchange.error !== undefined) entry._error = exchange.error;
  return entry;
}

/**
 * An ISO-8601 date-time of epoch milliseconds; a fraction of a millisecond (webRequest time
 * stamps have one) is kept as further digits, which importHar reads back.
 */
function isoTime(ms: number): string {
  const safe = Number.isFinite(ms) ? ms : 0;
  const whole = Math.floor(safe);
  const iso = new Date(whole).toISOString();
  const micros = Math.round((safe - whole) * 1000);
  if (micros <= 0 || micros >= 1000) return iso;
  return `${iso.slice(0, -1)}${String(micros).padStart(3, '0').replace(/0+$/, '')}Z`;
}

/** "HTTP/1.1 302 Found" as its parts; an absent or odd line gives nothing. */
function parseStatusLine(line: string | undefined): { version?: string; text?: string } {
  if (!line) return {};
  const m = /^\s*(?:(\S+)\s+)?\d{3}(?:\s+(.*?))?\s*$/.exec(line);
  if (!m) return {};
  const out: { version?: string; text?: string } = {};
  if (m[1]) out.version = m[1];
  if (m[2]) out.text = m[2];
  return out;
}

/** A URL as a HAR `uri`: whitespace (which no URL holds, but a hostile file may) escaped. */
function harUrl(url: string): string {
  return url.replace(/\s/g, (c) => encodeURIComponent(c));
}

function copyHeader(header: Header): HarNameValue {
  return { name: header.name, value: header.value };
}

function queryOf(url: string): HarNameValue[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  return [...parsed.searchParams].map(([name, value]) => ({ name, value }));
}

function requestCookies(headers: readonly Header[]): HarCookie[] {
  return headerValues(headers, 'cookie').flatMap((value) =>
    parseCookieHeader(value).map((c) => ({ name: c.name, value: c.value })),
  );
}

function responseCookies(headers: readonly Header[]): HarCookie[] {
  return headerValues(headers, 'set-cookie').map((value) => {
    const parsed = parseSetCookie(value);
    const cookie: HarCookie = { name: parsed.name, value: parsed.value };
    if (parsed.path !== undefined) cookie.path = parsed.path;
    if (parsed.domain !== undefined) cookie.domain = parsed.domain;
    if (parsed.expires !== undefined) {
      const time = Date.parse(parsed.expires);
      if (Number.isFinite(time)) cookie.expires = new Date(time).toISOString();
    }
    cookie.httpOnly = parsed.httpOnly;
    cookie.secure = parsed.secure;
    if (parsed.sameSite) cookie.sameSite = parsed.sameSite;
    return cookie;
  });
}

const FORM_MIME = 'application/x-www-form-urlencoded';

function toPostData(
  body: RequestBody | undefined,
  headers: readonly Header[],
): HarPostData | undefined {
  if (!body) return undefined;
  const contentType = headerValue(headers, 'content-type')?.trim();
  switch (body.kind) {
    case 'form': {
      const text = new URLSearchParams(body.fields).toString();
      return {
        // A form the browser parsed from multipart/form-data is written back urlencoded.
        mimeType: FORM_MIME,
        params: body.fields.map(([name, value]) => ({ name, value })),
        text,
      };
    }
    case 'raw':
      return { mimeType: contentType || 'application/octet-stream', text: body.text };
    case 'unavailable':
      return undefined;
  }
}

function toContent(body: string | undefined, headers: readonly Header[]): HarContent {
  const mimeType = headerValue(headers, 'content-type')?.trim() || 'x-unknown';
  if (body === undefined || body === '') return { size: 0, mimeType };
  return { size: utf8Length(body), mimeType, text: body };
}

/** Non-negative phases: before sending (blocked), waiting for headers, receiving the body. */
function toTimings(exchange: Exchange): HarTimings {
  const t = exchange.timings;
  const start = finite(exchange.startedAt) ?? finite(t.start) ?? 0;
  const sent = Math.max(start, finite(t.sent) ?? start);
  const headers = Math.max(sent, finite(t.headersReceived) ?? sent);
  const end = Math.max(headers, finite(t.end) ?? headers);
  return { blocked: sent - start, send: 0, wait: headers - sent, receive: end - headers };
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

/** HAR's `serverIPAddress` must be an IPv4 or IPv6 address (the URL parser checks the latter). */
function isIpAddress(ip: string): boolean {
  if (IPV4.test(ip)) return true;
  if (!ip.includes(':') || !/^[0-9a-f:.]+$/i.test(ip)) return false;
  try {
    return new URL(`http://[${ip}]/`).hostname !== '';
  } catch {
    return false;
  }
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
