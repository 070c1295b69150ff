import { headerValue, headerValues } from '../capture/headers';
import type { Exchange } from '../model';
import {
  parseCookieHeader,
  parseSetCookie,
  type SentCookie,
  type SetCookie,
} from '../protocol/cookies';

/** What one row of the hop list shows. Derived only from the exchange; safe for any input. */
export interface ExchangeSummary {
  method: string;
  status: string;
  host: string;
  path: string;
  redirectTarget?: string;
  setCookies: SetCookie[];
  sentCookies: SentCookie[];
}

export function summarizeExchange(e: Exchange): ExchangeSummary {
  const { host, path } = splitUrl(e.url);
  const summary: ExchangeSummary = {
    method: e.method,
    status: e.error && e.status === 0 ? 'failed' : e.status === 0 ? '…' : String(e.status),
    host,
    path,
    setCookies: headerValues(e.responseHeaders, 'set-cookie').map(parseSetCookie),
    sentCookies: parseCookieHeader(headerValue(e.requestHeaders, 'cookie') ?? ''),
  };
  if (e.redirectUrl) summary.redirectTarget = relativeTarget(e.url, e.redirectUrl);
  return summary;
}

/** Host and path+query of a URL; the raw text when it does not parse. */
export function splitUrl(url: string): { host: string; path: string } {
  try {
    const u = new URL(url);
    return { host: u.host, path: u.pathname + u.search + u.hash };
  } catch {
    return { host: '', path: url };
  }
}

/** The redirect target, shortened to its path when it stays on the same origin. */
function relativeTarget(from: string, to: string): string {
  try {
    const a = new URL(from);
    const b = new URL(to, from);
    return a.origin === b.origin ? b.pathname + b.search + b.hash : b.href;
  } catch {
    return to;
  }
}
