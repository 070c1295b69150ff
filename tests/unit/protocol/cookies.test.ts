import { describe, expect, it } from 'vitest';
import { isRemoval, parseCookieHeader, parseSetCookie } from '@/lib/protocol/cookies';

describe('cookies', () => {
  it('splits a Cookie header, keeping "=" inside values', () => {
    expect(parseCookieHeader('a=1; COOKIE3=FOO=BARBAX;  flag ; b=')).toEqual([
      { name: 'a', value: '1' },
      { name: 'COOKIE3', value: 'FOO=BARBAX' },
      { name: '', value: 'flag' },
      { name: 'b', value: '' },
    ]);
  });

  it.each([
    [
      'sid=abc; Path=/; HttpOnly; Secure; SameSite=None',
      { name: 'sid', value: 'abc', path: '/', httpOnly: true, secure: true, sameSite: 'None' },
    ],
    [
      'tx=1; path=/callback; samesite=lax; max-age=600',
      { name: 'tx', path: '/callback', sameSite: 'Lax', maxAge: 600 },
    ],
    [
      'x=; Domain=.Example.COM; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      { name: 'x', value: '', domain: 'example.com' },
    ],
    [
      '__Host-id=1; Partitioned; Secure; Path=/',
      { name: '__Host-id', partitioned: true, secure: true },
    ],
    ['noequals', { name: '', value: 'noequals' }],
  ])('parses %s', (header, expected) => {
    expect(parseSetCookie(header)).toMatchObject(expected);
  });

  it('ignores a malformed Max-Age and a relative Path', () => {
    const cookie = parseSetCookie('a=1; Max-Age=abc; Path=relative');
    expect(cookie).not.toHaveProperty('maxAge');
    expect(cookie).not.toHaveProperty('path');
  });

  it.each([
    ['a=; Max-Age=0', true],
    ['a=; Max-Age=-1', true],
    ['a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT', true],
    ['a=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT', false],
    ['a=1', false],
  ])('isRemoval(%s) is %s', (header, expected) => {
    expect(isRemoval(parseSetCookie(header), Date.parse('2026-01-01'))).toBe(expected);
  });
});
