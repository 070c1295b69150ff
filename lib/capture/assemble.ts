import type { Exchange } from '../model';
import { convertRequestBody, DEFAULT_MAX_BODY_BYTES } from './body';
import type { RawResponseBase, WebRequestEvent } from './events';
import { normalizeHeaders } from './headers';

export interface AssemblerOptions {
  /** Origins of the extension itself ("chrome-extension://id", "moz-extension://uuid"): skipped. */
  ownOrigins?: readonly string[];
  /** Raw request bodies are cut at this many bytes. */
  maxBodyBytes?: number;
  /** At most this many requests are tracked at once; the oldest is closed as incomplete beyond. */
  maxPending?: number;
}

/** Error set on a hop that was closed without an end event from the browser. */
export const INCOMPLETE_ERROR = 'incomplete: the browser reported no end for this hop';

interface RequestState {
  /** Start of the first hop: part of every hop id, so ids stay unique across browser restarts. */
  firstStart: number;
  nextHop: number;
  current: Exchange;
  /** The current hop was opened by a redirect and still waits for its onBeforeRequest. */
  openedByRedirect: boolean;
}

/**
 * Assembles raw webRequest events into Exchanges, one per hop. Pure: it holds only the state of
 * requests in flight, and returns each hop as soon as it ends (redirected, completed or failed).
 * Does not store, filter by tab or analyze.
 */
export class ExchangeAssembler {
  readonly #inFlight = new Map<string, RequestState>();
  readonly #ownOrigins: readonly string[];
  readonly #maxBodyBytes: number;
  readonly #maxPending: number;

  constructor(options: AssemblerOptions = {}) {
    this.#ownOrigins = (options.ownOrigins ?? []).map((o) => o.replace(/\/+$/, ''));
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#maxPending = options.maxPending ?? 5000;
  }

  /** Feeds one event; returns the hops it ended, in order (often none). */
  push(input: WebRequestEvent): Exchange[] {
    if (this.#isIgnored(input)) return [];
    const done: Exchange[] = [];
    switch (input.event) {
      case 'beforeRequest': {
        const d = input.details;
        const state = this.#inFlight.get(d.requestId);
        if (
          state?.openedByRedirect &&
          withoutFragment(state.current.url) === withoutFragment(d.url)
        ) {
          state.openedByRedirect = false;
          const body = convertRequestBody(d.requestBody, this.#maxBodyBytes);
          if (body) state.current.requestBody = body;
          break;
        }
        if (state) done.push(this.#close(d.requestId, state, d.timeStamp, INCOMPLETE_ERROR));
        done.push(...this.#evictIfFull());
        const exchange = newExchange(d, d.timeStamp, 0, d.timeStamp);
        const body = convertRequestBody(d.requestBody, this.#maxBodyBytes);
        if (body) exchange.requestBody = body;
        this.#inFlight.set(d.requestId, {
          firstStart: d.timeStamp,
          nextHop: 1,
          current: exchange,
          openedByRedirect: false,
        });
        break;
      }
      case 'sendHeaders': {
        const state = this.#stateFor(input.details);
        state.current.requestHeaders = normalizeHeaders(input.details.requestHeaders);
        state.current.timings.sent = input.details.timeStamp;
        break;
      }
      case 'headersReceived':
      case 'responseStarted': {
        const state = this.#stateFor(input.details);
        applyResponse(state.current, input.details);
        if (input.event === 'headersReceived') {
          state.current.timings.headersReceived = input.details.timeStamp;
        }
        break;
      }
      case 'beforeRedirect': {
        const d = input.details;
        const state = this.#stateFor(d);
        const hop = state.current;
        applyResponse(hop, d);
        hop.redirectUrl = d.redirectUrl;
        hop.timings.end = d.timeStamp;
        done.push(hop);
        const next = newExchange(d, state.firstStart, state.nextHop, d.timeStamp);
        next.url = d.redirectUrl;
        next.method = redirectMethod(d.statusCode, hop.method);
        if (next.method === hop.method && hop.requestBody && d.statusCode >= 307) {
          next.requestBody = hop.requestBody;
        }
        state.nextHop += 1;
        state.current = next;
        state.openedByRedirect = true;
        break;
      }
      case 'completed': {
        const state = this.#stateFor(input.details);
        applyResponse(state.current, input.details);
        done.push(this.#close(input.details.requestId, state, input.details.timeStamp));
        break;
      }
      case 'errorOccurred': {
        const d = input.details;
        const state = this.#stateFor(d);
        if (d.fromCache !== undefined) state.current.fromCache = d.fromCache;
        if (d.ip) state.current.ip = d.ip;
        done.push(this.#close(d.requestId, state, d.timeStamp, d.error));
        break;
      }
    }
    return done;
  }

  /** Hops that started and have not ended yet, oldest first. */
  pending(): Exchange[] {
    return [...this.#inFlight.values()].map((s) => s.current);
  }

  /**
   * Closes every hop still open (as incomplete) and returns them; for shutdown or pause. A hop
   * known only from the previous hop's redirect, of which the browser reported nothing, is
   * dropped rather than returned: with host access limited to chosen sites the browser reports
   * nothing of a redirect to another site, and the redirect target is already on the previous hop.
   */
  drain(now: number): Exchange[] {
    return [...this.#inFlight.entries()].flatMap(([id, s]) => this.#closeUnlessUnseen(id, s, now));
  }

  #isIgnored(input: WebRequestEvent): boolean {
    const d = input.details;
    // Firefox reports some internal events with fake ids; they are not real traffic.
    if (d.requestId.startsWith('fakeRequest-')) return true;
    if (!/^(https?|wss?):/i.test(d.url)) return true;
    const sources = [d.initiator, d.originUrl, d.documentUrl];
    return sources.some(
      (s) =>
        s !== undefined && this.#ownOrigins.some((own) => s === own || s.startsWith(own + '/')),
    );
  }

  /**
   * The state of a request; a request first seen mid-way (the worker started after it began)
   * gets a hop opened from what this event tells.
   */
  #stateFor(d: WebRequestEvent['details']): RequestState {
    let state = this.#inFlight.get(d.requestId);
    if (!state) {
      this.#evictIfFull();
      state = {
        firstStart: d.timeStamp,
        nextHop: 1,
        current: newExchange(d, d.timeStamp, 0, d.timeStamp),
        openedByRedirect: false,
      };
      this.#inFlight.set(d.requestId, state);
    }
    return state;
  }

  #close(requestId: string, state: RequestState, end: number, error?: string): Exchange {
    this.#inFlight.delete(requestId);
    const hop = state.current;
    hop.timings.end = end;
    if (error) hop.error = error;
    return hop;
  }

  #evictIfFull(): Exchange[] {
    const evicted: Exchange[] = [];
    while (this.#inFlight.size >= this.#maxPending) {
      const [oldestId, oldest] = this.#inFlight.entries().next().value as [string, RequestState];
      evicted.push(...this.#closeUnlessUnseen(oldestId, oldest, oldest.current.startedAt));
    }
    return evicted;
  }

  /** Closes a hop as incomplete; drops one the browser never reported (see drain()). */
  #closeUnlessUnseen(requestId: string, state: RequestState, end: number): Exchange[] {
    const hop = state.current;
    if (state.openedByRedirect && hop.status === 0 && hop.timings.sent === undefined) {
      this.#inFlight.delete(requestId);
      return [];
    }
    return [this.#close(requestId, state, end, INCOMPLETE_ERROR)];
  }
}

function newExchange(
  d: WebRequestEvent['details'],
  firstStart: number,
  hop: number,
  start: number,
): Exchange {
  const exchange: Exchange = {
    id: `${firstStart.toString(36)}.${d.requestId}.${hop}`,
    requestId: d.requestId,
    hop,
    startedAt: start,
    tabId: d.tabId,
    frameId: d.frameId,
    parentFrameId: d.parentFrameId,
    type: d.type,
    method: d.method,
    url: d.url,
    requestHeaders: [],
    status: 0,
    responseHeaders: [],
    timings: { start },
  };
  const initiator = d.initiator ?? (d.originUrl ? originOf(d.originUrl) : undefined);
  if (initiator) exchange.initiator = initiator;
  if (d.documentUrl) exchange.documentUrl = d.documentUrl;
  return exchange;
}

function applyResponse(hop: Exchange, d: RawResponseBase): void {
  hop.status = d.statusCode;
  if (d.statusLine) hop.statusLine = d.statusLine;
  if (d.responseHeaders) hop.responseHeaders = normalizeHeaders(d.responseHeaders);
  if (d.fromCache !== undefined) hop.fromCache = d.fromCache;
  if (d.ip) hop.ip = d.ip;
}

/** The method of the request that follows a redirect (Fetch standard, HTTP-redirect fetch). */
export function redirectMethod(status: number, method: string): string {
  const upper = method.toUpperCase();
  if (status === 303 && upper !== 'GET' && upper !== 'HEAD') return 'GET';
  if ((status === 301 || status === 302) && upper === 'POST') return 'GET';
  return method;
}

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? url.replace(/^([a-z-]+:\/\/[^/]*).*$/i, '$1') : origin;
  } catch {
    return undefined;
  }
}
