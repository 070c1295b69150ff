import { describe, expect, it } from 'vitest';
import { headerValue, headerValues } from '@/lib/capture/headers';
import { MAX_RESPONSE_BODY_BYTES, parseTimestamp } from '@/lib/io/common';
import { importHar } from '@/lib/io/har';
import type { ImportResult } from '@/lib/io/types';
import type { Exchange } from '@/lib/model';
import { parseCookieHeader, parseSetCookie } from '@/lib/protocol/cookies';
import { HAR_FIXTURES, fixtureBytes, fixtureText, harEntry, harText } from './fixtures';

const imported = new Map<string, ImportResult>();
function fixture(name: string): ImportResult {
  let result = imported.get(name);
  if (!result) {
    result = importHar(fixtureText(name));
    imported.set(name, result);
  }
  return result;
}
function hop(name: string, index: number): Exchange {
  const exchange = fixture(name).exchanges[index];
  if (!exchange) throw new Error(`${name} has no entry ${index}`);
  return exchange;
}
const setCookieNames = (x: Exchange): string[] =>
  headerValues(x.responseHeaders, 'set-cookie').map((v) => parseSetCookie(v).name);

describe('importHar: every public fixture', () => {
  it.each([
    ['auth0-login-firefox118.har', 3, 'Firefox 118.0.1', true, true],
    ['mitmproxy-chrome114-postdata-bom.har', 1, 'WebInspector 537.36', false, false],
    ['mitmproxy-firefox111.har', 14, 'Firefox 111.0.1', false, true],
    [
      'pagexray-chromehar-chrome148-redirect.har',
      7,
      'chrome-har 1.3.0 (Chrome 148.0.7778.97)',
      true,
      false,
    ],
    [
      'pagexray-chromehar-chrome66-lf-setcookie-redirects.har',
      21,
      'chrome-har 0.3.2 (Chrome 66.0.3359.117)',
      true,
      false,
    ],
    ['pagexray-firefox43-linkedin.har', 23, 'Firefox 43.0.4', true, false],
    [
      'playwright-chromium103-redirects.har',
      3,
      'Playwright 1.23.0-next (chromium 103.0.5060.42)',
      true,
      true,
    ],
    ['zap-firebug-ff36-lf-setcookie.har', 1, 'Firebug 1.6.2 (Firefox 3.6.13)', true, true],
    ['zap-firefox126-noresponse.har', 1, 'Firefox 126.0', false, false],
  ])('%s: %i entries by %s, cookies %s, bodies %s', (name, count, producer, cookies, bodies) => {
    const result = fixture(name);
    expect(result.exchanges).toHaveLength(count);
    expect(result.source).toEqual({
      format: 'har',
      producer,
      cookiesVisible: cookies,
      bodiesVisible: bodies,
    });
    expect(result.cookieEvents).toEqual([]);
    expect(result.exchanges.map((x) => x.id)).toEqual(
      Array.from({ length: count }, (_, i) => `har.${i}`),
    );
  });

  it('covers every fixture in the table', () => {
    expect(HAR_FIXTURES.every((name) => fixture(name).exchanges.length > 0)).toBe(true);
  });

  it.each(HAR_FIXTURES)('%s imports the same way twice (stable ids and records)', (name) => {
    expect(importHar(fixtureText(name))).toEqual(importHar(fixtureText(name)));
  });

  it.each(HAR_FIXTURES)('%s: no HTTP/2 pseudo-header is left', (name) => {
    const names = fixture(name).exchanges.flatMap((x) =>
      [...x.requestHeaders, ...x.responseHeaders].map((h) => h.name),
    );
    expect(names.filter((n) => n.startsWith(':'))).toEqual([]);
  });
});

describe('importHar: specific hops of the fixtures', () => {
  it.each<[string, number, Partial<Exchange>]>([
    [
      'auth0-login-firefox118.har',
      0,
      {
        method: 'GET',
        url: 'https://example.com/foobar?query=foo',
        status: 200,
        startedAt: Date.UTC(2023, 9, 21, 21, 0, 43, 698), // 18:00:43.698-03:00
        tabId: 1,
        ip: '142.251.133.228',
      },
    ],
    [
      'auth0-login-firefox118.har',
      2,
      {
        method: 'POST',
        url: 'https://auth.company.com/login',
        status: 401,
        statusLine: 'HTTP/3 401',
        startedAt: Date.UTC(2023, 10, 1, 14, 50, 22, 249),
        type: 'xmlhttprequest',
      },
    ],
    [
      'mitmproxy-chrome114-postdata-bom.har',
      0,
      {
        method: 'POST',
        url: 'https://signal-metrics-collector-beta.s-onetag.com/metrics',
        type: 'ping',
        tabId: -1,
        startedAt: Date.UTC(2023, 6, 15, 13, 37, 26, 93),
      },
    ],
    [
      'mitmproxy-firefox111.har',
      0,
      {
        status: 304,
        statusLine: 'HTTP/3 304 Not Modified',
        startedAt: Date.UTC(2023, 2, 29, 23, 58, 59, 303), // 16:58:59.303-07:00
        type: 'main_frame',
      },
    ],
    ['mitmproxy-firefox111.har', 1, { status: 200, fromCache: true, type: 'image' }],
    [
      'pagexray-firefox43-linkedin.har',
      0,
      { startedAt: Date.UTC(2016, 0, 25, 21, 21, 9, 452), statusLine: 'HTTP/1.1 200 OK' },
    ],
    [
      'zap-firefox126-noresponse.har',
      0,
      {
        url: 'http://example.com/',
        status: 0,
        responseHeaders: [],
        startedAt: Date.UTC(2024, 4, 22, 12, 41, 18, 352),
      },
    ],
    ['zap-firebug-ff36-lf-setcookie.har', 0, { tabId: -1, status: 200 }],
    [
      'pagexray-chromehar-chrome148-redirect.har',
      0,
      { requestId: '058E1B56062207FEC0C471DEBE0F5AB7r', type: 'main_frame', statusLine: 'h2 301' },
    ],
    [
      'pagexray-chromehar-chrome148-redirect.har',
      2,
      { requestId: '35371.4', type: 'image', initiator: 'https://www.wikipedia.org' },
    ],
    [
      'pagexray-chromehar-chrome66-lf-setcookie-redirects.har',
      13,
      {
        status: 307,
        statusLine: 'http/1.1 307 Internal Redirect',
        redirectUrl: 'https://www.google-analytics.com/ga.js',
      },
    ],
  ])('%s entry %i', (name, index, expected) => {
    expect(hop(name, index)).toMatchObject(expected);
  });

  it('leaves statusLine out when no response arrived', () => {
    expect(hop('zap-firefox126-noresponse.har', 0)).not.toHaveProperty('statusLine');
    expect(hop('zap-firefox126-noresponse.har', 0)).not.toHaveProperty('redirectUrl');
  });

  it("keeps Chrome's 307 Internal Redirect (HSTS) hop, with its Non-Authoritative-Reason", () => {
    const hsts = hop('pagexray-chromehar-chrome66-lf-setcookie-redirects.har', 13);
    expect(headerValue(hsts.responseHeaders, 'non-authoritative-reason')).toBe('HSTS');
  });
});

describe('importHar: redirect chains', () => {
  it.each<[string, [index: number, hop: number, status: number, redirectUrl?: string][]]>([
    [
      'playwright-chromium103-redirects.har',
      [
        [0, 0, 301, 'http://www.theverge.com/'],
        [1, 1, 301, 'https://www.theverge.com/'],
        [2, 2, 200, undefined],
      ],
    ],
    [
      'pagexray-chromehar-chrome148-redirect.har',
      [
        [0, 0, 301, 'https://www.wikipedia.org/'],
        [1, 1, 200, undefined],
      ],
    ],
    [
      'pagexray-chromehar-chrome66-lf-setcookie-redirects.har',
      [
        // redirectURL "http://www.brasseriedeluxembourg.lu" (no slash) resolved against the URL.
        [0, 0, 301, 'http://www.brasseriedeluxembourg.lu/'],
        [1, 1, 200, undefined],
        [13, 0, 307, 'https://www.google-analytics.com/ga.js'],
        [14, 1, 200, undefined],
      ],
    ],
    [
      'pagexray-firefox43-linkedin.har',
      [
        [15, 0, 302, expect.stringMatching(/^https:\/\/stats\.g\.doubleclick\.net\/r\/collect\?/)],
        [16, 1, 302, expect.stringMatching(/^https:\/\/www\.google\.com\/ads\/ga-audiences\?/)],
        [17, 2, 302, expect.stringMatching(/^https:\/\/www\.google\.se\/ads\/ga-audiences\?/)],
        [18, 3, 200, undefined],
        [12, 0, 302, expect.stringMatching(/^https:\/\/sb\.scorecardresearch\.com\/b2\?/)],
        [19, 1, 204, undefined],
      ],
    ],
  ])('%s', (name, chain) => {
    for (const [index, hopNumber, status, redirectUrl] of chain) {
      const exchange = hop(name, index);
      expect({ index, hop: exchange.hop, status: exchange.status }).toEqual({
        index,
        hop: hopNumber,
        status,
      });
      expect(exchange.redirectUrl).toEqual(redirectUrl);
    }
  });

  it.each([
    ['playwright-chromium103-redirects.har', [0, 1, 2]],
    ['pagexray-chromehar-chrome148-redirect.har', [0, 1]],
    ['pagexray-firefox43-linkedin.har', [15, 16, 17, 18]],
  ])('%s: every hop of a chain shares the first hop requestId', (name, indexes) => {
    const ids = new Set(indexes.map((i) => hop(name, i).requestId));
    expect(ids.size).toBe(1);
  });

  it('resolves a relative Location and keeps its fragment', () => {
    const text = harText([
      harEntry({
        request: { url: 'https://idp.example/authorize?x=1' },
        response: {
          status: 302,
          headers: [{ name: 'Location', value: '/cb#id_token=abc' }],
          redirectURL: '',
        },
      }),
      harEntry({ request: { url: 'https://idp.example/cb' } }),
    ]);
    const [first, second] = importHar(text).exchanges;
    expect(first?.redirectUrl).toBe('https://idp.example/cb#id_token=abc');
    expect(second).toMatchObject({ hop: 1, requestId: first?.requestId });
  });

  it('sets no redirectUrl on a 304 or a 201 with a Location', () => {
    const text = harText([
      harEntry({ response: { status: 304, headers: [{ name: 'Location', value: '/x' }] } }),
      harEntry({ response: { status: 201, headers: [{ name: 'Location', value: '/y' }] } }),
    ]);
    expect(importHar(text).exchanges.map((x) => x.redirectUrl)).toEqual([undefined, undefined]);
  });
});

describe('importHar: headers and cookies', () => {
  it.each([
    ['zap-firebug-ff36-lf-setcookie.har', 0, ['visitorId', 'ntad']],
    ['pagexray-firefox43-linkedin.har', 0, ['lang', 'JSESSIONID', 'bcookie', 'bscookie', 'lidc']],
    [
      'pagexray-chromehar-chrome66-lf-setcookie-redirects.har',
      1,
      ['PHPSESSID', 'BIGipServerPOOL-www.brasseriedeluxembourg.lu'],
    ],
    ['playwright-chromium103-redirects.har', 1, ['_chorus_geoip_continent', 'vmidv1']],
    ['auth0-login-firefox118.har', 0, ['COOKIE1']],
  ])('%s entry %i: one Set-Cookie per cookie %j', (name, index, names) => {
    const exchange = hop(name, index);
    expect(setCookieNames(exchange)).toEqual(names);
    expect(headerValues(exchange.responseHeaders, 'set-cookie').some((v) => v.includes('\n'))).toBe(
      false,
    );
  });

  it('keeps a Cookie header whose value holds "=" (auth0 COOKIE3=FOO=BARBAX)', () => {
    const exchange = hop('auth0-login-firefox118.har', 0);
    const cookie = headerValue(exchange.requestHeaders, 'cookie');
    expect(cookie).toBe('COOKIE1=BAR; COOKIE2=BAZ; COOKIE3=FOO=BARBAX');
    expect(parseCookieHeader(cookie ?? '')).toContainEqual({
      name: 'COOKIE3',
      value: 'FOO=BARBAX',
    });
    const post = hop('auth0-login-firefox118.har', 1);
    expect(headerValue(post.requestHeaders, 'cookie')).toBe(cookie);
    expect(headerValue(post.requestHeaders, 'authorization')).toBe('Bearer 123456');
  });

  it('drops pseudo-headers but keeps the regular ones (Chrome h2)', () => {
    const exchange = hop('mitmproxy-chrome114-postdata-bom.har', 0);
    expect(headerValue(exchange.requestHeaders, ':authority')).toBeUndefined();
    expect(headerValue(exchange.requestHeaders, 'content-type')).toBe('text/plain;charset=UTF-8');
  });

  it.each([
    ['WebInspector', [], [], false, /sanitized/],
    ['WebInspector', [{ name: 'Cookie', value: 'a=1' }], [], true, undefined],
    ['WebInspector', [], [{ name: 'sid', value: '1' }], true, undefined],
    ['Firefox', [], [], false, /none were sent or the export left them out/],
  ])(
    'creator %s, cookie headers %j, cookie array %j: cookiesVisible %s',
    (creator, headers, cookies, visible, warning) => {
      const text = harText([harEntry({ request: { headers, cookies } })], {
        creator: { name: creator, version: '537.36' },
      });
      const result = importHar(text);
      expect(result.source.cookiesVisible).toBe(visible);
      const note = result.warnings.find((w) => w.startsWith('No cookies'));
      if (warning) expect(note).toMatch(warning);
      else expect(note).toBeUndefined();
    },
  );
});

describe('importHar: request bodies', () => {
  it.each<[string, number, Exchange['requestBody']]>([
    // Firefox 43 adds an empty postData to every GET.
    ['pagexray-firefox43-linkedin.har', 0, undefined],
    [
      'pagexray-firefox43-linkedin.har',
      22,
      {
        kind: 'form',
        fields: [['plist', expect.stringMatching(/^\{"totalDomContentLoadTime":734,/)]],
      },
    ],
    [
      'pagexray-firefox43-linkedin.har',
      13,
      {
        kind: 'raw',
        text: expect.stringMatching(/^\[\{"eventInfo"/),
        encoding: 'utf8',
        truncated: false,
      },
    ],
    [
      'auth0-login-firefox118.har',
      2,
      {
        kind: 'raw',
        text: expect.stringContaining('"response_type":"code"'),
        encoding: 'utf8',
        truncated: false,
      },
    ],
    ['auth0-login-firefox118.har', 1, undefined],
    [
      'mitmproxy-chrome114-postdata-bom.har',
      0,
      {
        kind: 'raw',
        text: expect.stringMatching(/^\{"metadata":\{"pageViewId":1689428126308/),
        encoding: 'utf8',
        truncated: false,
      },
    ],
  ])('%s entry %i', (name, index, body) => {
    expect(hop(name, index).requestBody).toEqual(body);
  });

  it.each<[string, Record<string, unknown>, Exchange['requestBody']]>([
    [
      'urlencoded text is parsed and decoded, params ignored',
      {
        mimeType: 'application/x-www-form-urlencoded; charset=UTF-8',
        text: 'grant_type=authorization_code&code=a%2Bb&redirect_uri=https%3A%2F%2Fapp%2Fcb&scope=openid+email',
        params: [{ name: 'ignored', value: 'x' }],
      },
      {
        kind: 'form',
        fields: [
          ['grant_type', 'authorization_code'],
          ['code', 'a+b'],
          ['redirect_uri', 'https://app/cb'],
          ['scope', 'openid email'],
        ],
      },
    ],
    [
      'params without text (Chrome)',
      {
        mimeType: 'application/x-www-form-urlencoded',
        params: [
          { name: 'SAMLResponse', value: 'PHNhbWw+' },
          { name: 'RelayState', value: '/' },
        ],
      },
      {
        kind: 'form',
        fields: [
          ['SAMLResponse', 'PHNhbWw+'],
          ['RelayState', '/'],
        ],
      },
    ],
    [
      'multipart params with a file',
      {
        mimeType: 'multipart/form-data; boundary=x',
        params: [{ name: 'doc', fileName: 'a.pdf', contentType: 'application/pdf' }],
      },
      { kind: 'form', fields: [['doc', '[file a.pdf]']] },
    ],
    [
      'JSON with empty params (Firefox 118)',
      { mimeType: 'application/json', params: [], text: '{"a":1}' },
      { kind: 'raw', text: '{"a":1}', encoding: 'utf8', truncated: false },
    ],
    ['empty postData', { mimeType: '', params: [], text: '' }, undefined],
    [
      'a body over 64 KiB is cut',
      { mimeType: 'text/plain', text: 'é'.repeat(40_000) },
      { kind: 'raw', text: 'é'.repeat(32_768), encoding: 'utf8', truncated: true },
    ],
  ])('%s', (_label, postData, body) => {
    const text = harText([harEntry({ request: { method: 'POST', postData } })]);
    expect(importHar(text).exchanges[0]?.requestBody).toEqual(body);
  });
});

describe('importHar: response bodies', () => {
  it('keeps the token-endpoint style JSON error body of the Auth0 login POST', () => {
    const { responseBodies } = fixture('auth0-login-firefox118.har');
    expect(JSON.parse(responseBodies['har.2'] ?? '')).toMatchObject({
      code: 'invalid_user_password',
    });
    expect(responseBodies['har.0']).toBe('fii bar');
  });

  it('keeps text bodies and leaves images out (Firefox 111)', () => {
    const { responseBodies } = fixture('mitmproxy-firefox111.har');
    expect(Object.keys(responseBodies).sort()).toEqual(
      ['har.0', 'har.6', 'har.7', 'har.8', 'har.9', 'har.10', 'har.11', 'har.12'].sort(),
    );
    expect(responseBodies['har.0']).toContain('<html');
    expect(responseBodies['har.13']).toBeUndefined(); // base64 favicon
  });

  const base64 = (s: string): string => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
  it.each<[string, Record<string, unknown>, string | undefined]>([
    [
      'base64 JSON is decoded',
      { mimeType: 'application/json', encoding: 'base64', text: base64('{"id_token":"é"}') },
      '{"id_token":"é"}',
    ],
    [
      'base64 with line breaks',
      {
        mimeType: 'text/html',
        encoding: 'base64',
        text: base64('<p>hi</p>').replace(/(.{4})/g, '$1\n'),
      },
      '<p>hi</p>',
    ],
    [
      'base64 binary without a type is left out',
      { mimeType: '', encoding: 'base64', text: btoa('\u0000\u00ff\u00fe') },
      undefined,
    ],
    [
      'an image is left out',
      { mimeType: 'image/png', encoding: 'base64', text: btoa('PNG') },
      undefined,
    ],
    ['text without a type is kept', { mimeType: '', text: 'plain' }, 'plain'],
    ['an empty body is not kept', { mimeType: 'text/html', text: '' }, undefined],
  ])('%s', (_label, content, expected) => {
    const text = harText([harEntry({ response: { content } })]);
    expect(importHar(text).responseBodies['har.0']).toEqual(expected);
  });

  it('cuts a body at 256 KiB and says so', () => {
    const big = 'a'.repeat(MAX_RESPONSE_BODY_BYTES + 10);
    const plain = importHar(
      harText([harEntry({ response: { content: { mimeType: 'text/html', text: big } } })]),
    );
    expect(plain.responseBodies['har.0']).toHaveLength(MAX_RESPONSE_BODY_BYTES);
    expect(plain.warnings).toContain('1 response body was cut at 256 KiB.');
    const encoded = importHar(
      harText([
        harEntry({
          response: {
            content: { mimeType: 'application/json', encoding: 'base64', text: btoa(big) },
          },
        }),
      ]),
    );
    expect(encoded.responseBodies['har.0']).toHaveLength(MAX_RESPONSE_BODY_BYTES);
  });

  it('reports a body that is not base64', () => {
    const text = harText([
      harEntry({
        response: { content: { mimeType: 'text/html', encoding: 'base64', text: '***' } },
      }),
    ]);
    const result = importHar(text);
    expect(result.responseBodies).toEqual({});
    expect(result.warnings).toContain('1 response body is not valid base64 and was left out.');
  });
});

describe('importHar: tabs, types, ids, times', () => {
  it('maps each HAR page to a small tab number, and an unknown page to -1', () => {
    const text = harText(
      [
        harEntry({ pageref: 'page_2' }),
        harEntry({ pageref: 'page_1' }),
        harEntry({ pageref: 'page_9' }),
        harEntry({}),
      ],
      { pages: [{ id: 'page_1' }, { id: 'page_2' }] },
    );
    const result = importHar(text);
    expect(result.exchanges.map((x) => x.tabId)).toEqual([2, 1, -1, -1]);
    expect(result.warnings).toContain(
      '1 entry refers to a page that is not in log.pages (tabId -1).',
    );
  });

  it.each([
    ['document', [], 'main_frame'],
    ['document', [{ name: 'Sec-Fetch-Dest', value: 'iframe' }], 'sub_frame'],
    ['xhr', [], 'xmlhttprequest'],
    ['fetch', [], 'xmlhttprequest'],
    ['script', [], 'script'],
    ['stylesheet', [], 'stylesheet'],
    [undefined, [{ name: 'Accept', value: 'text/html,application/xhtml+xml' }], 'main_frame'],
    [undefined, [{ name: 'Sec-Fetch-Dest', value: 'empty' }], 'xmlhttprequest'],
    ['somethingnew', [{ name: 'Accept', value: '*/*' }], 'other'],
  ])('_resourceType %s with headers %j is %s', (resourceType, headers, type) => {
    const text = harText([
      harEntry({
        _resourceType: resourceType,
        request: { headers },
        response: { headers: [{ name: 'Content-Type', value: 'text/html' }] },
      }),
    ]);
    expect(importHar(text).exchanges[0]?.type).toBe(type);
  });

  it('uses _requestId when there is one, else the entry index', () => {
    const text = harText([
      harEntry({ _requestId: '77.1' }),
      harEntry({}),
      harEntry({ _requestId: 12 }),
    ]);
    expect(importHar(text).exchanges.map((x) => x.requestId)).toEqual(['77.1', '1', '12']);
  });

  it('turns HAR timings into points in time, and reads the rest Chrome and Firefox add', () => {
    const text = harText([
      harEntry({
        startedDateTime: '2024-05-01T12:00:00.000+02:00',
        time: 100,
        timings: { blocked: 5, dns: -1, connect: 10, ssl: 4, send: 1, wait: 50, receive: 34 },
        serverIPAddress: '[2001:db8::1]',
        _fromCache: 'disk',
        _error: 'net::ERR_ABORTED',
        _initiator: { type: 'parser', url: 'https://app.example/page' },
      }),
    ]);
    const start = Date.UTC(2024, 4, 1, 10);
    expect(importHar(text).exchanges[0]).toMatchObject({
      startedAt: start,
      timings: { start, sent: start + 16, headersReceived: start + 66, end: start + 100 },
      ip: '2001:db8::1',
      fromCache: true,
      error: 'net::ERR_ABORTED',
      initiator: 'https://app.example',
    });
  });

  it.each<[unknown, number | undefined]>([
    ['2023-10-21T18:00:43.698-03:00', Date.UTC(2023, 9, 21, 21, 0, 43, 698)],
    ['2016-01-25T22:21:09.452+01:00', Date.UTC(2016, 0, 25, 21, 21, 9, 452)],
    ['2022-06-16T21:41:23.951Z', Date.UTC(2022, 5, 16, 21, 41, 23, 951)],
    ['2024-05-01T10:00:00.123456Z', Date.UTC(2024, 4, 1, 10, 0, 0, 123) + 0.456],
    ['2024-05-01T10:00:00+0530', Date.UTC(2024, 4, 1, 4, 30)],
    ['2024-05-01T10:00:00', Date.UTC(2024, 4, 1, 10)],
    [1_700_000_000_000, 1_700_000_000_000],
    ['Tue, 05 Mar 2024 10:15:30 GMT', Date.UTC(2024, 2, 5, 10, 15, 30)],
    ['yesterday', undefined],
    [null, undefined],
  ])('parseTimestamp(%j) is %s', (value, expected) => {
    const time = parseTimestamp(value);
    if (expected === undefined) expect(time).toBeUndefined();
    else expect(time).toBeCloseTo(expected, 6);
  });

  it('dates an entry without a valid startedDateTime like the one before, with a warning', () => {
    const text = harText([
      harEntry({ startedDateTime: '2024-05-01T10:00:00Z' }),
      harEntry({ startedDateTime: 'soon' }),
      harEntry({ startedDateTime: '2024-05-01T10:00:01' }),
    ]);
    const result = importHar(text);
    expect(result.exchanges.map((x) => x.startedAt)).toEqual([
      Date.UTC(2024, 4, 1, 10),
      Date.UTC(2024, 4, 1, 10),
      Date.UTC(2024, 4, 1, 10, 0, 1),
    ]);
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        '1 entry has no valid startedDateTime; the time of the entry before was used.',
        '1 date has no time zone offset; read as UTC.',
      ]),
    );
  });

  it('imports an entry without a response as status 0, with a warning', () => {
    const result = importHar(harText([harEntry({ response: null })]));
    expect(result.exchanges[0]).toMatchObject({ status: 0, responseHeaders: [] });
    expect(result.warnings).toContain('1 entry has no response object.');
  });
});

describe('importHar: text forms', () => {
  it('strips the UTF-8 BOM of the Chrome 114 export, from text and from bytes', () => {
    const text = fixtureText('mitmproxy-chrome114-postdata-bom.har');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(importHar(text).exchanges).toHaveLength(1);
    expect(importHar(fixtureBytes('mitmproxy-chrome114-postdata-bom.har'))).toEqual(
      importHar(text),
    );
  });

  it('reads a HAR saved as UTF-16 with a BOM', () => {
    const text = fixtureText('auth0-login-firefox118.har');
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      bytes[2 + i * 2] = text.charCodeAt(i) & 0xff;
      bytes[3 + i * 2] = text.charCodeAt(i) >> 8;
    }
    expect(importHar(bytes)).toEqual(importHar(text));
  });
});
