import { it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { sha256, s256Challenge } from '@/lib/crypto/sha';
it('sha', () => {
  for (const s of ['', 'abc', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(200)]) {
    expect(Buffer.from(sha256(new TextEncoder().encode(s))).toString('hex')).toBe(
      createHash('sha256').update(s).digest('hex'),
    );
  }
  expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
    'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  );
});
