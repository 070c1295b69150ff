import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHmacSha256, hmacSha256, toHex } from '@/lib/crypto/hmac';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('hmacSha256', () => {
  // RFC 4231 section 4: test cases 1, 2, 3, 4, 6 and 7 (6 and 7 have a 131-byte key).
  it.each([
    [
      '0b'.repeat(20),
      toHex(utf8('Hi There')),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    ],
    [
      toHex(utf8('Jefe')),
      toHex(utf8('what do ya want for nothing?')),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    [
      'aa'.repeat(20),
      'dd'.repeat(50),
      '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    ],
    [
      '0102030405060708090a0b0c0d0e0f10111213141516171819',
      'cd'.repeat(50),
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    ],
    [
      'aa'.repeat(131),
      toHex(utf8('Test Using Larger Than Block-Size Key - Hash Key First')),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      'aa'.repeat(131),
      toHex(
        utf8(
          'This is a test using a larger than block-size key and a larger than block-size data. ' +
            'The key needs to be hashed before being used by the HMAC algorithm.',
        ),
      ),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ])('RFC 4231 key %s', (key, data, expected) => {
    expect(toHex(hmacSha256(hex(key), hex(data)))).toBe(expected);
  });

  it('agrees with node:crypto on keys and messages of every length around the block size', () => {
    for (const keyLength of [0, 1, 63, 64, 65, 200]) {
      const key = new Uint8Array(keyLength).map((_, i) => (i * 7 + 3) & 0xff);
      const mac = createHmacSha256(key);
      for (const length of [0, 1, 55, 56, 64, 119, 120, 1000]) {
        const data = new Uint8Array(length).map((_, i) => (i * 13) & 0xff);
        expect(toHex(mac(data))).toBe(createHmac('sha256', key).update(data).digest('hex'));
      }
    }
  });
});
