import type { Exchange } from '../model';

/**
 * Hops whose method, status, URL, redirect target or header names/values contain every word of
 * the query (case-insensitive). `status:302`, `method:post`, `host:auth` narrow to one field.
 */
export function filterExchanges(exchanges: readonly Exchange[], query: string): Exchange[] {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [...exchanges];
  return exchanges.filter((e) => terms.every((term) => matches(e, term)));
}

function matches(e: Exchange, term: string): boolean {
  const colon = term.indexOf(':');
  const field = colon > 0 ? term.slice(0, colon) : '';
  const value = colon > 0 ? term.slice(colon + 1) : term;
  switch (field) {
    case 'status':
      return String(e.status).startsWith(value);
    case 'method':
      return e.method.toLowerCase() === value;
    case 'host':
      return hostOf(e.url).includes(value);
    default:
      return (
        e.url.toLowerCase().includes(term) ||
        (e.redirectUrl ?? '').toLowerCase().includes(term) ||
        e.method.toLowerCase() === term ||
        String(e.status) === term ||
        e.requestHeaders.some((h) => `${h.name}: ${h.value}`.toLowerCase().includes(term)) ||
        e.responseHeaders.some((h) => `${h.name}: ${h.value}`.toLowerCase().includes(term))
      );
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '';
  }
}
