import type { RequestBody } from '../model';
import type { RawRequestBody } from './events';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * Converts the request body webRequest reported into a RequestBody. Form fields keep their
 * order; a raw body is kept as UTF-8 text when it is valid UTF-8, else as base64, cut at
 * `maxBytes`. Uploaded files are named, not read.
 */
export function convertRequestBody(
  body: RawRequestBody | null | undefined,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): RequestBody | undefined {
  if (!body) return undefined;
  if (body.error) return { kind: 'unavailable', reason: body.error };
  if (body.formData) {
    const fields: [string, string][] = [];
    for (const [name, values] of Object.entries(body.formData)) {
      for (const value of values ?? []) fields.push([name, value]);
    }
    return { kind: 'form', fields };
  }
  if (body.raw && body.raw.length > 0) {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (const part of body.raw) {
      if (part.bytes) {
        chunks.push(new Uint8Array(part.bytes));
        total += part.bytes.byteLength;
      } else if (part.file) {
        const marker = new TextEncoder().encode(`[file ${part.file}]`);
        chunks.push(marker);
        total += marker.byteLength;
      }
    }
    const truncated = total > maxBytes;
    const bytes = new Uint8Array(Math.min(total, maxBytes));
    let offset = 0;
    for (const chunk of chunks) {
      if (offset >= bytes.length) break;
      const take = chunk.subarray(0, bytes.length - offset);
      bytes.set(take, offset);
      offset += take.length;
    }
    return encodeBytes(bytes, truncated);
  }
  return undefined;
}

function encodeBytes(bytes: Uint8Array, truncated: boolean): RequestBody {
  try {
    // A cut may split a multi-byte character: ignore a broken tail only when we cut.
    const text = new TextDecoder('utf-8', { fatal: !truncated }).decode(bytes);
    return { kind: 'raw', text, encoding: 'utf8', truncated };
  } catch {
    return { kind: 'raw', text: bytesToBase64(bytes), encoding: 'base64', truncated };
  }
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}
