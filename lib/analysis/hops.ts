import { headerValue, headerValues } from '../capture/headers';
import type { Exchange } from '../model';
import {
  isRemoval,
  parseCookieHeader,
  parseSetCookie,
  type SentCookie,
  type SetCookie,
} from '../protocol/cookies';
import { classifyHop, type ProtocolMessage } from '../protocol/messages';
import type { AnalysisMemo } from './memo';
import type { TokenInfo } from './types';

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
  /** What the analysis derived from the exchange alone, computed on first use and kept. */
  x: HopCache;
  /** The analysis call that last placed this hop (an incremental analyzer reuses hops). */
  call: number;
}

/** Values derived from a hop's exchange alone (so valid as long as the exchange is the same). */
export interface HopCache {
  /** The protocol messages, and the fragment (from the previous hop) they were read with. */
  messages?: { fragment: string | undefined; list: ProtocolMessage[] };
  /** The first Referer header ('' without one). */
  referer?: string;
  /** `${requestId}#${hop}`: how capture links a redirect to its target. */
  requestKey?: string;
  /** The URL without query and fragment. */
  baseUrl?: string;
  /** Some Set-Cookie of the hop removes its cookie (at the hop's own time). */
  removes?: boolean;
  /** For each Set-Cookie of the hop: it removes its cookie (at the hop's own time). */
  removals?: boolean[];
  /** The step summary, for the messages it was made from. */
  summary?: { messages: ProtocolMessage[]; text: string };
  /** The tokens the hop shows, for the fragment and response body they were read with. */
  tokens?: { fragment: string | undefined; body: string | undefined; list: TokenInfo[] };
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
export function prepareHops(exchanges: readonly Exchange[], memo?: AnalysisMemo): Hop[] {
  const sorted = [...exchanges].sort(compareExchanges);
  const call = memo ? ++memo.calls : 0;
  const byId = memo?.byId ?? new Map<string, Hop>();
  let collision = false;
  const hops: Hop[] = sorted.map((e, index) => {
    // The same exchange gives the same hop (an incremental analysis keeps them between calls);
    // only its place in the recording and its redirect links are set again. An exchange listed
    // twice gets a hop per listing, as a fresh analysis gives it.
    let hop = memo?.hops.get(e);
    if (hop && hop.call !== call) {
      hop.index = index;
      hop.prev = undefined;
      hop.next = undefined;
    } else {
      hop = newHop(e, index);
      if (!memo?.hops.has(e)) memo?.hops.set(e, hop);
    }
    hop.call = call;
    const same = byId.get(e.id);
    if (same !== hop) {
      if (same && same.call === call) collision = true;
      else byId.set(e.id, hop);
    }
    return hop;
  });
  if (memo) {
    // The map holds exactly this call's hops when nothing collided and nothing is left over.
    memo.idsUnique = !collision && byId.size === hops.length;
    if (!memo.idsUnique) memo.byId = new Map();
    else memo.byId = byId;
  }
  linkRedirects(hops);
  classify(hops, 0);
  return hops;
}

function newHop(e: Exchange, index: number): Hop {
  let host = '';
  let origin = '';
  try {
    const u = new URL(e.url);
    host = u.hostname;
    origin = u.origin === 'null' ? '' : u.origin;
  } catch {
    // An unparsable URL has neither (originOf says '' too).
  }
  return {
    index,
    e,
    origin,
    host,
    messages: [],
    prev: undefined,
    next: undefined,
    setCookies: headerValues(e.responseHeaders, 'set-cookie').map(parseSetCookie),
    sentCookies: parseCookieHeader(headerValue(e.requestHeaders, 'cookie') ?? ''),
    isDocument: isDocument(e),
    x: {},
    call: 0,
  };
}

function linkRedirects(hops: Hop[]): void {
  const linker = new RedirectLinker(false);
  linker.inTimeOrder = inTimeOrder(hops, 1);
  for (const hop of hops) linker.byRequest.set(requestKey(hop), hop);
  linker.run(hops, 0);
}

const requestKey = (hop: Hop) => (hop.x.requestKey ??= `${hop.e.requestId}#${hop.e.hop}`);

/** Whether the hops' start times never go down (checked from position `from`). */
function inTimeOrder(hops: readonly Hop[], from: number): boolean {
  for (let i = Math.max(1, from); i < hops.length; i++) {
    if (!((hops[i] as Hop).e.startedAt >= (hops[i - 1] as Hop).e.startedAt)) return false;
  }
  return true;
}

type LinkUndo = 'next' | 'prev' | 'shift' | 'splice' | 'push' | 'list';

/**
 * Links each redirect hop to the hop it led to, hop by hop in recording order; with a journal it
 * can take back what it did from any hop on (see HopSequence).
 */
class RedirectLinker {
  /** Every hop of the recording by `${requestId}#${hop}` (filled before linking). */
  readonly byRequest = new Map<string, Hop>();
  /** HAR hops whose redirect target has not been seen yet, by target URL (no fragment), oldest first. */
  readonly #waiting = new Map<string, Hop[]>();
  readonly #log: unknown[] | undefined;
  readonly #marks: number[] = [];
  /** An entry too old for the current hop is too old for every later one: it may be dropped. */
  inTimeOrder = true;
  /** The lowest index below the last run's start whose `next` that run set. */
  linkedBack = Infinity;
  /** A hop's request key named a hop placed after it (clocks out of step): not resumable. */
  reachedForward = false;

  constructor(journal: boolean) {
    this.#log = journal ? [] : undefined;
  }

  rewind(position: number): void {
    const log = this.#log as unknown[];
    if (position >= this.#marks.length) return;
    const mark = this.#marks[position] as number;
    while (log.length > mark) {
      const old = log.pop();
      const target = log.pop();
      const op = log.pop() as LinkUndo;
      switch (op) {
        case 'next':
          (target as Hop).next = old as number | undefined;
          break;
        case 'prev':
          (target as Hop).prev = old as number | undefined;
          break;
        case 'shift':
          (target as Hop[]).unshift(old as Hop);
          break;
        case 'splice': {
          const [at, hop] = old as [number, Hop];
          (target as Hop[]).splice(at, 0, hop);
          break;
        }
        case 'push':
          (target as Hop[]).pop();
          break;
        case 'list':
          this.#waiting.delete(target as string);
          break;
      }
    }
    this.#marks.length = position;
  }

  run(hops: readonly Hop[], from: number): void {
    const log = this.#log;
    const waiting = this.#waiting;
    this.linkedBack = Infinity;
    for (let i = from; i < hops.length; i++) {
      this.#marks.push(log?.length ?? 0);
      const hop = hops[i] as Hop;
      // Capture: the browser keeps one request id through a redirect chain.
      const sameRequest =
        hop.e.hop > 0 ? this.byRequest.get(`${hop.e.requestId}#${hop.e.hop - 1}`) : undefined;
      if (sameRequest && sameRequest.index > hop.index) this.reachedForward = true;
      let from_ =
        sameRequest?.e.redirectUrl !== undefined && sameRequest.next === undefined
          ? sameRequest
          : undefined;
      if (!from_) {
        // HAR: every hop is its own entry; the target is the next request to the redirect URL.
        const list = waiting.get(withoutFragment(hop.e.url));
        if (list) {
          while (
            this.inTimeOrder &&
            list.length > 0 &&
            hop.e.startedAt - (list[0] as Hop).e.startedAt > REDIRECT_LINK_MS
          ) {
            const dropped = list.shift();
            log?.push('shift', list, dropped);
          }
          from_ = list.find(
            (w) =>
              w.next === undefined &&
              (w.e.tabId === hop.e.tabId || w.e.tabId === -1 || hop.e.tabId === -1) &&
              hop.e.startedAt - w.e.startedAt <= REDIRECT_LINK_MS,
          );
        }
      }
      if (from_) {
        log?.push('next', from_, from_.next, 'prev', hop, hop.prev);
        from_.next = hop.index;
        hop.prev = from_.index;
        if (from_.index < from) this.linkedBack = Math.min(this.linkedBack, from_.index);
        const list = waiting.get(withoutFragment(from_.e.redirectUrl ?? ''));
        const at = list ? list.indexOf(from_) : -1;
        if (list && at !== -1) {
          list.splice(at, 1);
          log?.push('splice', list, [at, from_]);
        }
      }
      if (hop.e.redirectUrl) {
        const key = withoutFragment(hop.e.redirectUrl);
        const list = waiting.get(key);
        if (list) {
          list.push(hop);
          log?.push('push', list, undefined);
        } else {
          waiting.set(key, [hop]);
          log?.push('list', key, undefined);
        }
      }
    }
  }
}

const compareExchanges = (a: Exchange, b: Exchange) =>
  a.startedAt - b.startedAt || (a.requestId === b.requestId ? a.hop - b.hop : 0);

/** Where an incremental update of the hops changed things. */
export interface HopUpdate {
  hops: Hop[];
  /** The first position whose hop differs from the previous call's. */
  changed: number;
  /** The first position whose hop or redirect links differ (<= changed). */
  relinked: number;
}

/**
 * The recording's hops kept between the calls of an incremental analysis: each call places the
 * exchanges as prepareHops() does (same order, same links, same messages), redoing the work only
 * from the first position where the sorted exchanges differ from the previous call's, and says
 * from where on hops or their links changed. Returns undefined when the update cannot be made
 * that way (an exchange listed twice, two hops with one request key, a hop whose link reaches a
 * hop placed later, a change of time order): reset() and update() again then.
 */
export class HopSequence {
  #input: Exchange[] = [];
  #inputRun = true;
  #sorted: Exchange[] = [];
  #hops: Hop[] = [];
  #linker = new RedirectLinker(true);

  reset(): void {
    this.#input = [];
    this.#inputRun = true;
    this.#sorted = [];
    this.#hops = [];
    this.#linker = new RedirectLinker(true);
  }

  update(exchanges: readonly Exchange[], memo: AnalysisMemo): HopUpdate | undefined {
    const call = ++memo.calls;
    // The order prepareHops' sort gives: the input itself when it is one ascending run (a sort
    // leaves a run as it is), which the previous call's run extended by new exchanges is.
    const old = this.#input;
    let prefix = this.#inputRun && exchanges.length >= old.length;
    for (let i = 0; prefix && i < old.length; i++) prefix = exchanges[i] === old[i];
    let run = true;
    for (let i = Math.max(1, prefix ? old.length : 1); run && i < exchanges.length; i++)
      run = compareExchanges(exchanges[i] as Exchange, exchanges[i - 1] as Exchange) >= 0;
    const sorted = run ? [...exchanges] : [...exchanges].sort(compareExchanges);
    const previous = this.#sorted;
    // The previous input was its own order and this one extends it: only new ones at the end.
    let changed = prefix && run ? old.length : 0;
    while (
      changed < sorted.length &&
      changed < previous.length &&
      sorted[changed] === previous[changed]
    )
      changed += 1;

    const oldHops = this.#hops;
    const byRequest = this.#linker.byRequest;
    this.#linker.rewind(changed);
    for (let i = changed; i < oldHops.length; i++) {
      const hop = oldHops[i] as Hop;
      const key = requestKey(hop);
      if (byRequest.get(key) === hop) byRequest.delete(key);
      if (memo.byId.get(hop.e.id) === hop) memo.byId.delete(hop.e.id);
    }
    const hops = oldHops.slice(0, changed);
    // Placed in this call: the hop is where its index says (the prefix, or placed just now).
    const placed = (h: Hop | undefined): h is Hop =>
      h !== undefined && h.index < hops.length && hops[h.index] === h;
    let unique = memo.idsUnique;
    for (let i = changed; i < sorted.length; i++) {
      const e = sorted[i] as Exchange;
      let hop = memo.hops.get(e);
      if (placed(hop)) return undefined; // listed twice
      if (!hop) {
        hop = newHop(e, i);
        memo.hops.set(e, hop);
      }
      hop.index = i;
      hop.prev = undefined;
      hop.next = undefined;
      hop.call = call;
      hops.push(hop);
      const key = requestKey(hop);
      const other = byRequest.get(key);
      if (other !== hop && placed(other)) return undefined; // two hops, one request key
      byRequest.set(key, hop);
      // A hop placed before would have linked to this one (its request key names this hop).
      const looking = byRequest.get(`${hop.e.requestId}#${hop.e.hop + 1}`);
      if (placed(looking) && looking.index < changed) return undefined;
      const same = memo.byId.get(e.id);
      if (same !== hop && placed(same)) unique = false;
      else memo.byId.set(e.id, hop);
    }
    if (!unique || memo.byId.size !== hops.length) return undefined;
    memo.idsUnique = true;
    const ordered = this.#linker.inTimeOrder ? inTimeOrder(hops, changed) : inTimeOrder(hops, 1);
    // The links before `changed` were made under the old order: they hold only if it is the same.
    if (ordered !== this.#linker.inTimeOrder && changed > 0) return undefined;
    this.#linker.inTimeOrder = ordered;
    this.#linker.run(hops, changed);
    if (this.#linker.reachedForward) return undefined;
    classify(hops, changed);
    this.#input = run ? sorted : [...exchanges];
    this.#inputRun = run;
    this.#sorted = sorted;
    this.#hops = hops;
    return { hops, changed, relinked: Math.min(changed, this.#linker.linkedBack) };
  }
}

/** The protocol messages of the hops from `from` on (the previous hop may add a fragment). */
function classify(hops: readonly Hop[], from: number): void {
  for (let i = from; i < hops.length; i++) {
    const hop = hops[i] as Hop;
    const prev = hop.prev === undefined ? undefined : hops[hop.prev];
    const target = prev?.e.redirectUrl;
    const fragment =
      target && target.includes('#') && !hop.e.url.includes('#')
        ? target.slice(target.indexOf('#') + 1)
        : undefined;
    const known = hop.x.messages;
    if (known && known.fragment === fragment) {
      hop.messages = known.list;
    } else {
      hop.messages = classifyHop(hop.e, fragment);
      hop.x.messages = { fragment, list: hop.messages };
    }
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

/** isRemoval(cookie, hop.e.startedAt) for a Set-Cookie of the hop itself, computed once per hop. */
export function removesOwn(hop: Hop, cookie: SetCookie): boolean {
  const flags = (hop.x.removals ??= hop.setCookies.map((c) => isRemoval(c, hop.e.startedAt)));
  const at = hop.setCookies.indexOf(cookie);
  return at === -1 ? isRemoval(cookie, hop.e.startedAt) : (flags[at] as boolean);
}

/**
 * Positions of the hops that pass `test`, in order: `kept` (positions found by an earlier call)
 * up to `from`, then the hops from `from` on tested. `test` may look at what does not change
 * while a hop keeps its position: its exchange, its messages, its `prev` link.
 */
export function positionsWhere(
  hops: readonly Hop[],
  test: (h: Hop) => boolean,
  kept: number[] = [],
  from = 0,
): number[] {
  const list = from > 0 ? kept : [];
  while (list.length > 0 && (list[list.length - 1] as number) >= from) list.pop();
  for (let i = from; i < hops.length; i++) if (test(hops[i] as Hop)) list.push(i);
  return list;
}
