import { describe, expect, it } from 'vitest';
import { ExchangeAssembler, INCOMPLETE_ERROR, redirectMethod } from '@/lib/capture/assemble';
import type { RawHeader, WebRequestEvent } from '@/lib/capture/events';
import type { Exchange } from '@/lib/model';

// Typed factories for raw webRequest details, with overrides.
const base = (
  over: Partial<{ requestId: string; url: string; method: string; timeStamp: number }> = {},
) => ({
  requestId: '101',
  url: 'http://app.localhost/account',
  method: 'GET',
  tabId: 7,
  frameId: 0,
  parentFrameId: -1,
  type: 'main_frame',
  timeStamp: 1000,
  ...over,
});
const response = (statusCode: number, responseHeaders: RawHeader[] = [], over = {}) => ({
  ...base(over),
  statusCode,
  statusLine: `HTTP/1.1 ${statusCode}`,
  responseHeaders,
});

function run(events: WebRequestEvent[], options = {}): Exchange[] {
  const assembler = new ExchangeAssembler(options);
  return events.flatMap((e) => assembler.push(e));
}

/** A three-hop login as Chrome reports it: one requestId, two redirects, a form post before. */
function chromeRedirectChain(): WebRequestEvent[] {
  return [
    { event: 'beforeRequest', details: { ...base({ timeStamp: 1 }) } },
    {
      event: 'sendHeaders',
      details: {
        ...base({ timeStamp: 2 }),
        requestHeaders: [{ name: 'Cookie', value: 'app.tx=1; seen=yes' }],
      },
    },
    {
      event: 'headersReceived',
      details: response(
        302,
        [
          { name: 'Location', value: 'http://auth.localhost/authorize?state=S1' },
          { name: 'Set-Cookie', value: 'app.tx=abc; Path=/callback; HttpOnly' },
          { name: 'Set-Cookie', value: 'other=1' },
        ],
        { timeStamp: 3 },
      ),
    },
    {
      event: 'beforeRedirect',
      details: {
        ...response(
          302,
          [
            { name: 'Location', value: 'http://auth.localhost/authorize?state=S1' },
            { name: 'Set-Cookie', value: 'app.tx=abc; Path=/callback; HttpOnly' },
            { name: 'Set-Cookie', value: 'other=1' },
          ],
          { timeStamp: 4 },
        ),
        redirectUrl: 'http://auth.localhost/authorize?state=S1',
      },
    },
    {
      event: 'beforeRequest',
      details: base({ url: 'http://auth.localhost/authorize?state=S1', timeStamp: 5 }),
    },
    {
      event: 'sendHeaders',
      details: {
        ...base({ url: 'http://auth.localhost/authorize?state=S1', timeStamp: 6 }),
        requestHeaders: [],
      },
    },
    {
      event: 'beforeRedirect',
      details: {
        ...response(303, [{ name: 'Set-Cookie', value: '_session=s1; HttpOnly' }], {
          url: 'http://auth.localhost/authorize?state=S1',
          timeStamp: 7,
        }),
        redirectUrl: 'http://app.localhost/callback#code=K1&state=S1',
      },
    },
    {
      event: 'beforeRequest',
      details: base({ url: 'http://app.localhost/callback', timeStamp: 8 }),
    },
    {
      event: 'completed',
      details: response(200, [{ name: 'Content-Type', value: 'text/html' }], {
        url: 'http://app.localhost/callback',
        timeStamp: 9,
      }),
    },
  ];
}

describe('ExchangeAssembler', () => {
  it('makes each redirect its own hop, with its target, status, headers and timings', () => {
    const hops = run(chromeRedirectChain());
    expect(hops.map((h) => [h.hop, h.method, h.url, h.status, h.redirectUrl])).toEqual([
      [0, 'GET', 'http://app.localhost/account', 302, 'http://auth.localhost/authorize?state=S1'],
      [
        1,
        'GET',
        'http://auth.localhost/authorize?state=S1',
        303,
        'http://app.localhost/callback#code=K1&state=S1',
      ],
      // The callback keeps the fragment the redirect carried (implicit and hybrid tokens live there).
      [2, 'GET', 'http://app.localhost/callback#code=K1&state=S1', 200, undefined],
    ]);
    expect(new Set(hops.map((h) => h.id)).size).toBe(3);
    expect(hops[0]?.requestHeaders).toEqual([{ name: 'Cookie', value: 'app.tx=1; seen=yes' }]);
    expect(hops[0]?.responseHeaders.filter((h) => h.name === 'Set-Cookie')).toHaveLength(2);
    expect(hops[0]?.timings).toEqual({ start: 1, sent: 2, headersReceived: 3, end: 4 });
    expect(hops[2]?.timings).toEqual({ start: 7, end: 9 });
    expect(hops.every((h) => h.tabId === 7 && h.type === 'main_frame')).toBe(true);
  });

  it('gives the same hops for Firefox, which merges Set-Cookie headers with newlines', () => {
    const firefox = chromeRedirectChain().map((e): WebRequestEvent => {
      if (e.event !== 'headersReceived' && e.event !== 'beforeRedirect') return e;
      const headers = e.details.responseHeaders ?? [];
      const cookies = headers.filter((h) => h.name === 'Set-Cookie').map((h) => h.value);
      const rest = headers.filter((h) => h.name !== 'Set-Cookie');
      const merged = cookies.length > 0 ? [{ name: 'Set-Cookie', value: cookies.join('\n') }] : [];
      return {
        ...e,
        details: { ...e.details, responseHeaders: [...rest, ...merged] },
      } as WebRequestEvent;
    });
    const sortHeaders = (x: Exchange[]) =>
      x.map((h) => ({
        ...h,
        responseHeaders: [...h.responseHeaders].sort((a, b) => a.name.localeCompare(b.name)),
      }));
    expect(sortHeaders(run(firefox))).toEqual(sortHeaders(run(chromeRedirectChain())));
  });

  it.each([
    [
      'form fields, in order',
      { formData: { user: ['alice'], password: ['s3cret'], tag: ['a', 'b'] } },
      {
        kind: 'form',
        fields: [
          ['user', 'alice'],
          ['password', 's3cret'],
          ['tag', 'a'],
          ['tag', 'b'],
        ],
      },
    ],
    [
      'a UTF-8 raw body',
      { raw: [{ bytes: new TextEncoder().encode('{"grant_type":"authorization_code"}').buffer }] },
      {
        kind: 'raw',
        text: '{"grant_type":"authorization_code"}',
        encoding: 'utf8',
        truncated: false,
      },
    ],
    [
      'a binary raw body as base64',
      { raw: [{ bytes: new Uint8Array([0xff, 0xfe, 0x00]).buffer }] },
      {
        kind: 'raw',
        text: '//4A',
        encoding: 'base64',
        truncated: false,
      },
    ],
    [
      'an unreadable body',
      { error: 'Unknown error.' },
      { kind: 'unavailable', reason: 'Unknown error.' },
    ],
  ])('keeps the request body: %s', (_name, requestBody, expected) => {
    const [hop] = run([
      { event: 'beforeRequest', details: { ...base({ method: 'POST' }), requestBody } },
      { event: 'completed', details: response(200, [], { method: 'POST' }) },
    ]);
    expect(hop?.requestBody).toEqual(expected);
  });

  it('cuts a long raw body and says so', () => {
    const [hop] = run(
      [
        {
          event: 'beforeRequest',
          details: {
            ...base({ method: 'POST' }),
            requestBody: { raw: [{ bytes: new TextEncoder().encode('x'.repeat(100)).buffer }] },
          },
        },
        { event: 'completed', details: response(200) },
      ],
      { maxBodyBytes: 10 },
    );
    expect(hop?.requestBody).toEqual({
      kind: 'raw',
      text: 'xxxxxxxxxx',
      encoding: 'utf8',
      truncated: true,
    });
  });

  it('turns a POST answered with 303 into a GET, and keeps a 307 POST with its body', () => {
    const formPost = (status: number) =>
      run([
        {
          event: 'beforeRequest',
          details: { ...base({ method: 'POST' }), requestBody: { formData: { a: ['1'] } } },
        },
        {
          event: 'beforeRedirect',
          details: {
            ...response(status, [], { method: 'POST' }),
            redirectUrl: 'http://x.localhost/next',
          },
        },
        {
          event: 'beforeRequest',
          details: base({
            url: 'http://x.localhost/next',
            method: status === 303 ? 'GET' : 'POST',
          }),
        },
        { event: 'completed', details: response(200, [], { url: 'http://x.localhost/next' }) },
      ]);
    const after303 = formPost(303);
    expect(after303[1]?.method).toBe('GET');
    expect(after303[1]?.requestBody).toBeUndefined();
    const after307 = formPost(307);
    expect(after307[1]?.method).toBe('POST');
    expect(after307[1]?.requestBody).toEqual({ kind: 'form', fields: [['a', '1']] });
  });

  it.each([
    [303, 'POST', 'GET'],
    [302, 'POST', 'GET'],
    [301, 'POST', 'GET'],
    [307, 'POST', 'POST'],
    [308, 'PUT', 'PUT'],
    [302, 'GET', 'GET'],
    [303, 'HEAD', 'HEAD'],
  ])('redirectMethod(%i, %s) is %s', (status, method, expected) => {
    expect(redirectMethod(status, method)).toBe(expected);
  });

  it('ends a failed hop with its error', () => {
    const [hop] = run([
      { event: 'beforeRequest', details: base() },
      {
        event: 'errorOccurred',
        details: { ...base({ timeStamp: 5 }), error: 'net::ERR_CONNECTION_REFUSED' },
      },
    ]);
    expect(hop).toMatchObject({
      status: 0,
      error: 'net::ERR_CONNECTION_REFUSED',
      timings: { start: 1000, end: 5 },
    });
  });

  it.each([
    ["the extension's own page loads", { url: 'chrome-extension://abc/devtools-panel.html' }],
    ['requests the extension makes (Chrome initiator)', { initiator: 'chrome-extension://abc' }],
    [
      'requests the extension makes (Firefox originUrl)',
      { originUrl: 'moz-extension://abc/background.html' },
    ],
    ["Firefox's internal fake requests", { requestId: 'fakeRequest-3' }],
    ['non-network schemes', { url: 'data:text/html,hi' }],
  ])('skips %s', (_name, over) => {
    const events: WebRequestEvent[] = [
      { event: 'beforeRequest', details: { ...base(), ...over } },
      { event: 'completed', details: { ...response(200), ...over } },
    ];
    expect(run(events, { ownOrigins: ['chrome-extension://abc', 'moz-extension://abc/'] })).toEqual(
      [],
    );
  });

  it('opens a hop for a request it first sees mid-way (the worker woke up late)', () => {
    const [hop] = run([{ event: 'completed', details: response(200, [], { timeStamp: 50 }) }]);
    expect(hop).toMatchObject({ url: 'http://app.localhost/account', status: 200, hop: 0 });
  });

  it('closes the oldest request as incomplete when too many are open', () => {
    const assembler = new ExchangeAssembler({ maxPending: 2 });
    for (const id of ['1', '2'])
      assembler.push({ event: 'beforeRequest', details: base({ requestId: id }) });
    const evicted = assembler.push({ event: 'beforeRequest', details: base({ requestId: '3' }) });
    expect(evicted.map((e) => [e.requestId, e.error])).toEqual([['1', INCOMPLETE_ERROR]]);
    expect(assembler.pending().map((e) => e.requestId)).toEqual(['2', '3']);
  });

  it('drain() closes every open hop', () => {
    const assembler = new ExchangeAssembler();
    assembler.push({ event: 'beforeRequest', details: base() });
    expect(assembler.drain(99).map((e) => e.error)).toEqual([INCOMPLETE_ERROR]);
    expect(assembler.pending()).toEqual([]);
  });

  it('drain() drops a redirect target the browser reported nothing of (a site not granted)', () => {
    const assembler = new ExchangeAssembler();
    assembler.push({ event: 'beforeRequest', details: base() });
    const [first] = assembler.push({
      event: 'beforeRedirect',
      details: {
        ...response(302, [{ name: 'Location', value: 'http://auth.localhost/authorize' }]),
        redirectUrl: 'http://auth.localhost/authorize',
      },
    });
    expect(first?.redirectUrl).toBe('http://auth.localhost/authorize');
    // Another request, still open, that the browser did report: it is kept, as incomplete.
    assembler.push({ event: 'beforeRequest', details: base({ requestId: '202' }) });
    expect(assembler.drain(99).map((e) => [e.requestId, e.url, e.error])).toEqual([
      ['202', 'http://app.localhost/account', INCOMPLETE_ERROR],
    ]);
    expect(assembler.pending()).toEqual([]);
  });

  it('drain() keeps a redirect target the browser reported part of', () => {
    const assembler = new ExchangeAssembler();
    assembler.push({ event: 'beforeRequest', details: base() });
    assembler.push({
      event: 'beforeRedirect',
      details: { ...response(302), redirectUrl: 'http://auth.localhost/authorize' },
    });
    assembler.push({
      event: 'sendHeaders',
      details: {
        ...base({ url: 'http://auth.localhost/authorize', timeStamp: 5 }),
        requestHeaders: [],
      },
    });
    expect(assembler.drain(99).map((e) => [e.url, e.error])).toEqual([
      ['http://auth.localhost/authorize', INCOMPLETE_ERROR],
    ]);
  });

  it('decodes binary header values', () => {
    const [hop] = run([
      { event: 'beforeRequest', details: base() },
      { event: 'completed', details: response(200, [{ name: 'X-Bin', binaryValue: [104, 105] }]) },
    ]);
    expect(hop?.responseHeaders).toEqual([{ name: 'X-Bin', value: 'hi' }]);
  });
});
