import { describe, expect, it } from 'vitest';
import { createRedactor, redactRecords } from '@/lib/io/redact';
import { parseCookieHeader, parseSetCookie } from '@/lib/protocol/cookies';
import { makeCookieEvent, makeExchange } from '@/tests/helpers/factories';
import { HASH, redactor } from './helpers';
import { labHars } from './lab-secrets';

describe('hash stability', () => {
  it('the same value gets the same replacement within one redactor, whatever its kind', () => {
    const r = redactor();
    const a = r.value('cookie', 'Gx9KQE8I0VtJV33w');
    expect(a).toMatch(HASH);
    expect(r.value('cookie', 'Gx9KQE8I0VtJV33w')).toBe(a);
    expect(r.value('param', 'Gx9KQE8I0VtJV33w')).toBe(a);
    expect(r.value('header', 'Gx9KQE8I0VtJV33x')).not.toBe(a);
  });

  it('is HMAC-SHA256(key, value), first 8 hex characters', () => {
    // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") = f7bc83f4...
    const r = createRedactor({ profile: 'hashed', key: 'key' });
    expect(r.value('param', 'The quick brown fox jumps over the lazy dog')).toBe('‹h:f7bc83f4›');
  });

  it('the same key gives the same replacement in another export; another key does not', () => {
    const value = 'n7ZJxf86sU4o7kpqJ52CEq1Qo1t4o9';
    const a = createRedactor({ profile: 'hashed', key: 'one' }).value('cookie', value);
    expect(createRedactor({ profile: 'hashed', key: 'one' }).value('cookie', value)).toBe(a);
    expect(createRedactor({ profile: 'hashed', key: 'two' }).value('cookie', value)).not.toBe(a);
  });

  it('without a key, each export draws its own random key', () => {
    const value = 'n7ZJxf86sU4o7kpqJ52CEq1Qo1t4o9';
    const seen = new Set(
      Array.from({ length: 4 }, () => createRedactor({ profile: 'hashed' }).value('cookie', value)),
    );
    expect(seen.size).toBe(4);
  });

  it('secrets() maps every original value to its replacement', () => {
    const r = redactor();
    const out = redactRecords(
      {
        exchanges: [makeExchange({ url: 'https://as.example/cb?code=c0de-1234&state=st4te-5678' })],
        cookieEvents: [],
      },
      r,
    );
    const url = new URL(out.exchanges[0]!.url);
    expect(r.secrets().get('c0de-1234')).toBe(url.searchParams.get('code'));
    expect(r.secrets().get('st4te-5678')).toBe(url.searchParams.get('state'));
  });

  it('a cookie value set on one hop and sent on the next stays equal (and equal in the jar)', () => {
    const value = 'kHOPQiA-S-v6-BZz6oXwCe0';
    const r = redactor();
    const out = redactRecords(
      {
        exchanges: [
          makeExchange({
            responseHeaders: [{ name: 'Set-Cookie', value: `sid=${value}; Path=/` }],
          }),
          makeExchange({ requestHeaders: [{ name: 'Cookie', value: `a=1; sid=${value}` }] }),
          makeExchange({ requestHeaders: [{ name: 'cookie', value: `sid=${value}` }] }),
        ],
        cookieEvents: [
          makeCookieEvent({ cookie: { ...makeCookieEvent().cookie, name: 'sid', value } }),
        ],
      },
      r,
    );
    const set = parseSetCookie(out.exchanges[0]!.responseHeaders[0]!.value).value;
    const sent1 = parseCookieHeader(out.exchanges[1]!.requestHeaders[0]!.value).find(
      (c) => c.name === 'sid',
    )?.value;
    const sent2 = parseCookieHeader(out.exchanges[2]!.requestHeaders[0]!.value)[0]?.value;
    expect(set).toMatch(HASH);
    expect(sent1).toBe(set);
    expect(sent2).toBe(set);
    expect(out.cookieEvents[0]!.cookie.value).toBe(set);
  });

  it('in the lab logout trace, the auth session cookie is the same on every hop it is sent', () => {
    const sso = labHars().find((h) => h.name === 'logout.har')!.result;
    const sessions = (exchanges: typeof sso.exchanges) =>
      exchanges.flatMap((x) =>
        x.requestHeaders
          .filter((h) => h.name.toLowerCase() === 'cookie')
          .flatMap((h) => parseCookieHeader(h.value))
          .filter((c) => c.name === '_session')
          .map((c) => c.value),
      );
    const before = sessions(sso.exchanges);
    const after = sessions(redactRecords(sso, redactor()).exchanges);
    expect(before.length).toBeGreaterThanOrEqual(2);
    // Same pattern of equal and different values, none of the originals.
    const pattern = (values: string[]) => values.map((v) => values.indexOf(v));
    expect(pattern(after)).toEqual(pattern(before));
    for (const v of after) expect(v).toMatch(HASH);
  });

  it('the state sent to the authorization server and the state it returns stay equal', () => {
    const login = labHars().find((h) => h.name === 'password-login.har')!.result;
    const states = (exchanges: typeof login.exchanges) =>
      exchanges.flatMap((x) => {
        const s = new URL(x.url).searchParams.get('state');
        return s ? [s] : [];
      });
    const after = states(redactRecords(login, redactor()).exchanges);
    expect(after.length).toBe(2);
    expect(after[0]).toMatch(HASH);
    expect(after[1]).toBe(after[0]);
  });
});
