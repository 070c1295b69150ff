import type { Exchange, Header } from '@/lib/model';

/**
 * Writes hand-made traffic hop by hop, the way a browser would record it: each `go` is one
 * hop; a redirect's target becomes the next hop of the same request.
 */
export class TrafficBuilder {
  readonly exchanges: Exchange[] = [];
  #time: number;
  #request = 0;
  #hop = 0;
  #pendingRedirect: string | undefined;
  readonly #jar = new Map<string, Map<string, string>>();

  constructor(
    start = Date.parse('2026-11-30T10:00:00Z'),
    readonly tabId = 1,
  ) {
    this.#time = start;
  }

  /**
   * One hop. `redirect` makes it a 302 (or `status`) to that URL; `setCookies` are raw Set-Cookie
   * values; cookies the jar holds for the host are sent automatically.
   */
  go(
    method: string,
    url: string,
    options: {
      status?: number;
      redirect?: string;
      setCookies?: string[];
      form?: Record<string, string>;
      type?: string;
      headers?: Header[];
      responseHeaders?: Header[];
      newRequest?: boolean;
    } = {},
  ): Exchange {
    const continuing = this.#pendingRedirect !== undefined && !options.newRequest;
    if (!continuing) {
      this.#request += 1;
      this.#hop = 0;
    }
    this.#pendingRedirect = undefined;
    this.#time += 100;
    const host = new URL(url).hostname;
    const jar = this.#jar.get(host);
    const cookieHeader =
      jar && jar.size > 0 ? [...jar].map(([n, v]) => `${n}=${v}`).join('; ') : undefined;
    const status = options.status ?? (options.redirect ? 302 : 200);
    const responseHeaders: Header[] = [...(options.responseHeaders ?? [])];
    if (options.redirect) responseHeaders.push({ name: 'Location', value: options.redirect });
    for (const c of options.setCookies ?? [])
      responseHeaders.push({ name: 'Set-Cookie', value: c });
    if (!options.redirect) responseHeaders.push({ name: 'Content-Type', value: 'text/html' });
    const e: Exchange = {
      id: `e${this.exchanges.length + 1}`,
      requestId: String(this.#request),
      hop: this.#hop,
      startedAt: this.#time,
      tabId: this.tabId,
      frameId: 0,
      parentFrameId: -1,
      type: options.type ?? 'main_frame',
      method,
      url,
      requestHeaders: [
        ...(cookieHeader ? [{ name: 'Cookie', value: cookieHeader }] : []),
        ...(options.headers ?? []),
      ],
      status,
      responseHeaders,
      timings: { start: this.#time, end: this.#time + 20 },
    };
    if (options.form) e.requestBody = { kind: 'form', fields: Object.entries(options.form) };
    if (options.redirect) {
      e.redirectUrl = new URL(options.redirect, url).href;
      this.#pendingRedirect = e.redirectUrl;
      this.#hop += 1;
    }
    for (const raw of options.setCookies ?? []) this.#store(host, raw);
    this.exchanges.push(e);
    return e;
  }

  #store(host: string, raw: string): void {
    const [pair = ''] = raw.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const jar = this.#jar.get(host) ?? new Map<string, string>();
    if (/max-age=0/i.test(raw) || value === '') jar.delete(name);
    else jar.set(name, value);
    this.#jar.set(host, jar);
  }

  /** Forgets one host's cookies, as if they expired. */
  forget(host: string): void {
    this.#jar.delete(host);
  }
}
