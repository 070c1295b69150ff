import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyze } from '@/lib/analysis/analyze';
import { filterExchanges } from '@/lib/view/filter';
import { decodeHop, prettyXml } from '@/lib/view/hop-detail';
import { jarFor } from '@/lib/view/jar';
import { parseMarkdown } from '@/lib/view/markdown';
import { layoutSequence } from '@/lib/view/sequence';
import { describeClaimTime, formatDuration } from '@/lib/view/time';
import { makeCookieEvent, makeExchange } from '../../helpers/factories';
import { TrafficBuilder } from '../../helpers/flow-builder';

describe('sequence layout', () => {
  it('puts the browser first, parties in role order, and cookie changes on the party lane', () => {
    const t = new TrafficBuilder();
    const authorize =
      'https://as.example/authorize?response_type=code&client_id=c&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s&scope=openid&nonce=n&code_challenge=x&code_challenge_method=S256';
    t.go('GET', 'https://app.example/login', { redirect: authorize });
    t.go('GET', authorize, { redirect: 'https://as.example/login' });
    t.go('GET', 'https://as.example/login');
    t.go('POST', 'https://as.example/login', {
      newRequest: true,
      form: { password: 'p' },
      redirect: 'https://app.example/cb?code=k&state=s',
      setCookies: ['sess=1; Path=/; HttpOnly; Secure'],
    });
    t.go('GET', 'https://app.example/cb?code=k&state=s', {
      setCookies: ['app=1; Path=/; HttpOnly; Secure'],
    });
    const [flow] = analyze({ exchanges: t.exchanges, now: 0 }).flows;
    const { lanes, rows } = layoutSequence(flow!);
    expect(lanes.map((l) => [l.id, l.role])).toEqual([
      ['browser', 'browser'],
      ['https://app.example', 'app'],
      ['https://as.example', 'authorization-server'],
    ]);
    expect(rows.filter((r) => !r.inferred).every((r) => r.from === 0)).toBe(true);
    const inferred = rows.find((r) => r.inferred);
    expect([inferred?.from, inferred?.to]).toEqual([1, 2]);
    const marked = rows.flatMap((r) =>
      r.markers.map((m) => `${lanes[m.lane]?.role} ${m.name} ${m.change}`),
    );
    expect(marked).toEqual(['authorization-server sess created', 'app app created']);
  });
});

describe('hop filter', () => {
  const hops = [
    makeExchange({
      id: 'a',
      url: 'https://auth.example/authorize?x=1',
      status: 302,
      method: 'GET',
    }),
    makeExchange({
      id: 'b',
      url: 'https://app.example/callback',
      status: 200,
      method: 'POST',
      requestHeaders: [{ name: 'Cookie', value: 'sid=1' }],
    }),
  ];
  it.each([
    ['', ['a', 'b']],
    ['authorize', ['a']],
    ['status:30', ['a']],
    ['method:post', ['b']],
    ['host:app', ['b']],
    ['cookie: sid', ['b']],
    ['nothing-matches', []],
  ])('%j keeps %j', (query, expected) => {
    expect(filterExchanges(hops, query).map((e) => e.id)).toEqual(expected);
  });
});

describe('hop details', () => {
  it('decodes a SAML redirect-binding request and pretty-prints it', () => {
    const xml =
      '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" AssertionConsumerServiceURL="https://sp.example/acs"><saml:Issuer>https://sp.example</saml:Issuer></samlp:AuthnRequest>';
    const encoded = encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'));
    const decoded = decodeHop(
      makeExchange({ url: `https://idp.example/sso?SAMLRequest=${encoded}&RelayState=r` }),
    );
    expect(decoded.messages).toContain('saml-request');
    expect(decoded.saml?.summary).toMatchObject({
      messageType: 'AuthnRequest',
      id: '_r1',
      issuer: 'https://sp.example',
    });
    expect(decoded.saml?.xml?.split('\n')).toEqual([
      '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" AssertionConsumerServiceURL="https://sp.example/acs">',
      '  <saml:Issuer>https://sp.example</saml:Issuer>',
      '</samlp:AuthnRequest>',
    ]);
  });

  it('says why a truncated SAML message cannot be decoded', () => {
    const decoded = decodeHop(
      makeExchange({ url: 'https://idp.example/sso?SAMLRequest=nZFBb4MwDIXv' }),
    );
    expect(decoded.saml?.error).toMatch(/DEFLATE|truncated|parse/i);
  });

  it('prettyXml keeps text content inline', () => {
    expect(prettyXml('<a><b>text</b></a>')).toBe('<a>\n  <b>text</b>\n</a>');
  });
});

describe('jar, time and markdown helpers', () => {
  it('the jar keeps the last change of each cookie and drops removals', () => {
    const events = [
      makeCookieEvent({
        time: 1,
        cookie: { ...makeCookieEvent().cookie, name: 'sid', domain: 'auth.example', value: 'a' },
      }),
      makeCookieEvent({
        time: 2,
        cookie: { ...makeCookieEvent().cookie, name: 'sid', domain: 'auth.example', value: 'b' },
      }),
      makeCookieEvent({
        time: 3,
        cookie: { ...makeCookieEvent().cookie, name: 'tx', domain: 'auth.example' },
      }),
      makeCookieEvent({
        time: 4,
        removed: true,
        cookie: { ...makeCookieEvent().cookie, name: 'tx', domain: 'auth.example' },
      }),
      makeCookieEvent({
        time: 5,
        cookie: { ...makeCookieEvent().cookie, name: 'other', domain: 'app.example' },
      }),
    ];
    expect(jarFor('auth.example', events).map((c) => `${c.name}=${c.value}`)).toEqual(['sid=b']);
  });

  it.each([
    [0, '0s'],
    [252_000, '4m 12s'],
    [11_100_000, '3h 5m'],
    [90_000_000, '1d 1h'],
  ])('formatDuration(%i) is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('claim times read as UTC and relative', () => {
    const now = Date.parse('2026-11-30T10:00:00Z');
    expect(describeClaimTime('exp', now / 1000 + 252, now)).toMatchObject({
      utc: '2026-11-30T10:04:12.000Z',
      relative: 'expires in 4m 12s',
    });
    expect(describeClaimTime('exp', now / 1000 - 3 * 3600, now).relative).toBe('expired 3h ago');
  });

  it('markdown becomes text blocks, with rule ids as anchors and no HTML', () => {
    const blocks = parseMarkdown(
      '# Title\n\n## STATE_MISSING\n\nText with <script>x</script> and `code`.\n\n| id | sev |\n|---|---|\n| PKCE_PLAIN | warn |\n\n- one\n- two\n',
    );
    expect(blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Title' },
      { kind: 'heading', level: 2, text: 'STATE_MISSING', id: 'STATE_MISSING' },
      { kind: 'paragraph', text: 'Text with <script>x</script> and code.' },
      {
        kind: 'table',
        rows: [
          ['id', 'sev'],
          ['PKCE_PLAIN', 'warn'],
        ],
      },
      { kind: 'list', items: ['one', 'two'] },
    ]);
  });
});
