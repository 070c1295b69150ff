/**
 * The records every source produces and everything downstream reads. An `Exchange` is one
 * request/response hop: a redirect is a hop of its own even though the browser keeps one
 * requestId for the whole chain.
 */

export interface Header {
  name: string;
  value: string;
}

/** What a request carried in its body, as the browser reported it. */
export type RequestBody =
  | { kind: 'form'; fields: [name: string, value: string][] }
  | { kind: 'raw'; text: string; encoding: 'utf8' | 'base64'; truncated: boolean }
  | { kind: 'unavailable'; reason: string };

/** The browser's resource type of the request ("main_frame", "sub_frame", "xmlhttprequest", ...). */
export type FrameType = string;

export interface ExchangeTimings {
  /** ms since the epoch when the browser was about to send the request. */
  start: number;
  /** When the request headers were sent. */
  sent?: number;
  /** When the response headers arrived. */
  headersReceived?: number;
  /** When the hop ended: redirected, completed or failed. */
  end?: number;
}

export interface Exchange {
  /** Unique, stable id of this hop. */
  id: string;
  /** The browser's request id (shared by every hop of a redirect chain). */
  requestId: string;
  /** 0 for the first hop of a request, 1 for the first redirect target, ... */
  hop: number;
  /** Same as timings.start, kept at the top level so storage can index it. */
  startedAt: number;
  /** -1 when the request does not belong to a tab (a service worker, the browser itself). */
  tabId: number;
  frameId: number;
  parentFrameId: number;
  type: FrameType;
  method: string;
  url: string;
  /** The origin (Chrome `initiator`, Firefox `originUrl`) that caused the request, if known. */
  initiator?: string;
  /** The URL of the document the request belongs to (Firefox `documentUrl`), if known. */
  documentUrl?: string;
  requestHeaders: Header[];
  requestBody?: RequestBody;
  /** 0 when no response arrived. */
  status: number;
  statusLine?: string;
  /** Response headers; every Set-Cookie is its own entry, whatever the browser merged. */
  responseHeaders: Header[];
  /** Where this hop redirected to, fragment included. */
  redirectUrl?: string;
  fromCache?: boolean;
  ip?: string;
  timings: ExchangeTimings;
  /** A network error ("net::ERR_ABORTED", "NS_BINDING_ABORTED", ...), when the hop failed. */
  error?: string;
}

export type CookieSameSite = 'no_restriction' | 'lax' | 'strict' | 'unspecified';

/** A cookie as the browser's cookie jar holds it. */
export interface JarCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: CookieSameSite;
  hostOnly: boolean;
  session: boolean;
  /** Seconds since the epoch; absent for session cookies. */
  expirationDate?: number;
  storeId?: string;
  partitionKey?: unknown;
}

/** Why the jar changed, as cookies.onChanged reports it. */
export type CookieChangeCause =
  'explicit' | 'overwrite' | 'expired' | 'expired_overwrite' | 'evicted';

/** One change of the cookie jar, recorded next to the exchanges. */
export interface CookieEvent {
  id: string;
  time: number;
  removed: boolean;
  cause: CookieChangeCause;
  cookie: JarCookie;
}
