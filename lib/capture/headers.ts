import type { Header } from '../model';
import type { RawHeader } from './events';

/**
 * Turns the browser's header list into plain name/value pairs. Firefox merges several
 * Set-Cookie headers into one value separated by "\n" (so do some HAR producers); they are split
 * back into one entry each, so every source yields the same list.
 */
export function normalizeHeaders(raw: readonly RawHeader[] | undefined): Header[] {
  if (!raw) return [];
  const out: Header[] = [];
  for (const h of raw) {
    const value = h.value ?? (h.binaryValue ? String.fromCharCode(...h.binaryValue) : '');
    if (h.name.toLowerCase() === 'set-cookie' && value.includes('\n')) {
      for (const part of value.split('\n')) {
        const trimmed = part.trim();
        if (trimmed) out.push({ name: h.name, value: trimmed });
      }
    } else {
      out.push({ name: h.name, value });
    }
  }
  return out;
}

/** Every value of a header, case-insensitively by name, in order. */
export function headerValues(headers: readonly Header[], name: string): string[] {
  const wanted = name.toLowerCase();
  return headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}

/** The first value of a header, case-insensitively by name. */
export function headerValue(headers: readonly Header[], name: string): string | undefined {
  return headerValues(headers, name)[0];
}
