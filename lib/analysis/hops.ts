import { headerValue, headerValues } from '../capture/headers';
import type { Exchange } from '../model';
import {
  parseCookieHeader,
  parseSetCookie,
  type SentCookie,
  type SetCookie,
} from '../protocol/cookies';
import { classifyHop, type ProtocolMessage } from '../protocol/messages';
import { originOf } from '../protocol/params';

/** A hop prepared once for every pass of the analysis. */
export interface Hop {
  index: number;
  e: Exchange;
  origin: string;
  host: string;
  messages: ProtocolMessage[];
  /** The hop that redirected to this one, and the one this one redirected to. */
  prev?: number;
  next?: number;
  setCookies: SetCookie[];
  sentCookies: SentCookie[];
  /** A page or frame navigation (not an image, script or style). */
  isDocument: boolean;
}

/** How long after a redirect its target may start and still be linked to it (HAR files). */
const REDIRECT_LINK_MS = 30_000;

const SUBRESOURCE_TYPES = new Set([
  'image',
  'imageset',
  'stylesheet',
  'script',
  'font',
  'media',
  'object',
  'ping',
  'csp_report',
  'beacon',
  'speculative',
  'manifest',
  'texttrack',
  'other',
]);

/**
 * Orders the hops by time, links each redirect to the hop it led to (same request id, or for
 * HAR files the next hop of the same tab to the target URL), and recognises their messages.
 */
export function prepareHops(exchanges: readonly Exchange[]): Hop[] {
  const sorted = [...exchanges].sort(
    (a, b) => a.startedAt - b.startedAt || (a.requestId === b.requestId ? a.hop - b.hop : 0),
  );
  const hops: Hop[] = sorted.map((e, index) => {
    let host = '';
    try {
      host = new URL(e.url).hostname;
    } catch {
      host = '';
    }
    return {
      index,
      e,
      origin: originOf(e.url),
      host,
      messages: [],
      setCookies: headerValues(e.responseHeaders, 'set-cookie').map(parseSetCookie),
      sentCookies: parseCookieHeader(headerValue(e.requestHeaders, 'cookie') ?? ''),
      isDocument: isDocument(e),
    };
  });
  linkRedirects(hops);
  for (const hop of hops) {
    const prev = hop.prev === undefined ? undefined : hops[hop.prev];
    const target = prev?.e.redirectUrl;
    const fragment =
      target && target.includes('#') && !hop.e.url.includes('#')
        ? target.slice(target.indexOf('#') + 1)
        : undefined;
    hop.messages = classifyHop(hop.e, fragment);
  }
  return hops;
}

function linkRedirects(hops: Hop[]): void {
  const byRequest = new Map<string, Hop>();
  for (const hop of hops) {
    const key = `${hop.e.requestId}#${hop.e.hop}`;
    byRequest.set(key, hop);
  }
  const waiting: Hop[] = [];
  for (const hop of hops) {
    // Capture: the browser keeps one request id through a redirect chain.
    const sameRequest =
      hop.e.hop > 0 ? byRequest.get(`${hop.e.requestId}#${hop.e.hop - 1}`) : undefined;
    let from =
      sameRequest?.e.redirectUrl !== undefined && sameRequest.next === undefined
        ? sameRequest
        : undefined;
    if (!from) {
      // HAR: every hop is its own entry; the target is the next request to the redirect URL.
      const url = withoutFragment(hop.e.url);
      const at = waiting.findIndex(
        (w) =>
          w.next === undefined &&
          withoutFragment(w.e.redirectUrl ?? '') === url &&
          (w.e.tabId === hop.e.tabId || w.e.tabId === -1 || hop.e.tabId === -1) &&
          hop.e.startedAt - w.e.startedAt <= REDIRECT_LINK_MS,
      );
      if (at !== -1) from = waiting[at];
    }
    if (from) {
      from.next = hop.index;
      hop.prev = from.index;
      const at = waiting.indexOf(from);
      if (at !== -1) waiting.splice(at, 1);
    }
    if (hop.e.redirectUrl) waiting.push(hop);
  }
}

function isDocument(e: Exchange): boolean {
  if (e.type === 'main_frame' || e.type === 'sub_frame' || e.type === 'document') return true;
  if (SUBRESOURCE_TYPES.has(e.type)) return false;
  if (e.type === 'xmlhttprequest' || e.type === 'fetch' || e.type === 'websocket') return false;
  // Unknown type (some HARs): a redirect or an HTML answer is a navigation.
  const contentType = headerValue(e.responseHeaders, 'content-type') ?? '';
  return e.redirectUrl !== undefined || /html/i.test(contentType) || contentType === '';
}

export function withoutFragment(url: string): string {
  const at = url.indexOf('#');
  return at === -1 ? url : url.slice(0, at);
}

/** The hops of a redirect chain starting at `start`, following `next` links. */
export function chainFrom(hops: readonly Hop[], start: Hop): Hop[] {
  const chain = [start];
  let cursor = start;
  while (cursor.next !== undefined) {
    const next = hops[cursor.next];
    if (!next) break;
    chain.push(next);
    cursor = next;
  }
  return chain;
}

/** The hops that redirected to `hop`, oldest first. */
export function chainBefore(hops: readonly Hop[], hop: Hop): Hop[] {
  const before: Hop[] = [];
  let cursor = hop;
  while (cursor.prev !== undefined) {
    const prev = hops[cursor.prev];
    if (!prev) break;
    before.unshift(prev);
    cursor = prev;
  }
  return before;
}

export function messageOf<T extends ProtocolMessage['type']>(
  hop: Hop,
  type: T,
): Extract<ProtocolMessage, { type: T }> | undefined {
  return hop.messages.find((m) => m.type === type) as
    Extract<ProtocolMessage, { type: T }> | undefined;
}
