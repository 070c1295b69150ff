/**
 * Synchronous HMAC-SHA256 (RFC 2104, FIPS 198-1) on top of the synchronous sha256, so that
 * redaction can hash values without going async. Not constant-time: it keys hashes of values we
 * already hold, it does not verify anybody's MAC.
 */
import { sha256 } from './sha';

const BLOCK_BYTES = 64;

/** A MAC function bound to one key: the key's pads are computed once. */
export type HmacSha256 = (message: Uint8Array) => Uint8Array;

/** HMAC-SHA256 with a fixed key (a key longer than the 64-byte block is hashed first). */
export function createHmacSha256(key: Uint8Array): HmacSha256 {
  const block = new Uint8Array(BLOCK_BYTES);
  block.set(key.length > BLOCK_BYTES ? sha256(key) : key);
  const innerPad = block.map((b) => b ^ 0x36);
  const outerPad = block.map((b) => b ^ 0x5c);
  return (message) => {
    const inner = new Uint8Array(BLOCK_BYTES + message.length);
    inner.set(innerPad);
    inner.set(message, BLOCK_BYTES);
    const outer = new Uint8Array(BLOCK_BYTES + 32);
    outer.set(outerPad);
    outer.set(sha256(inner), BLOCK_BYTES);
    return sha256(outer);
  };
}

/** HMAC-SHA256(key, message): 32 bytes. */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return createHmacSha256(key)(message);
}

/** Lower-case hexadecimal of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
