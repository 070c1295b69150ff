import { har as validateHar } from 'har-validator';
import { describe, expect, it } from 'vitest';
import { exportTrace } from '@/lib/io/export';
import { toHar, type HarFile } from '@/lib/io/har-export';
import type { RedactionProfile } from '@/lib/io/redact';
import { importHar } from '@/lib/io/har';
import type { Exchange, ExchangeTimings } from '@/lib/model';
import { makeExchange } from '../../helpers/factories';
import { LAB_FIXTURES, NOW, PUBLIC_HARS, analyzeImport, importFile, importLab } from './lab';

const CREATOR = { name: 'Session Tracer', version: 'test' };

function exportHar(
  exchanges: readonly Exchange[],
  responseBodies?: Record<string, string>,
): HarFile {
  return toHar(responseBodies ? { exchanges, responseBodies } : { exchanges }, {
    creator: CREATOR,
    now: NOW,
  });
}

/** The HAR as a reader gets it: JSON text, read back by our own importer. */
function reimport(file: HarFile) {
  return importHar(JSON.stringify(file));
}

/** har-validator's verdict: the list of schema errors, empty when the HAR is valid. */
async function harErrors(data: unknown): Promise<unknown[]> {
  try {
    await validateHar(data);
    return [];
  } catch (error) {
    return (error as { errors?: unknown[] }).errors ?? [error];
  }
}

/** Exchanges without their timings (compared separately, as floating-point sums). */
function withoutTimings(exchanges: readonly Exchange[]): Omit<Exchange, 'timings'>[] {
  return exchanges.map(({ timings: _timings, ...rest }) => rest);
}

function expectSameTimings(actual: ExchangeTimings, expected: ExchangeTimings): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const key of ['start', 'sent', 'headersReceived', 'end'] as const) {
    if (expected[key] === undefined) continue;
    expect(actual[key]).toBeCloseTo(expected[key], 6);
  }
}

describe('HAR export: valid HAR 1.2 (har-validator)', () => {
  it.each(LAB_FIXTURES)('lab recording %s exports as a valid HAR', async (name) => {
    const imported = importLab(name);
    const file = exportHar(imported.exchanges, imported.responseBodies);
    expect(file.log.entries).toHaveLength(imported.exchanges.length);
    expect(await harErrors(JSON.parse(JSON.stringify(file)))).toEqual([]);
  });

  it.each(PUBLIC_HARS)('the re-export of %s is a valid HAR', async (name) => {
    const imported = importFile(`tests/fixtures/public/${name}`);
    const file = exportHar(imported.exchanges, imported.responseBodies);
    expect(await harErrors(JSON.parse(JSON.stringify(file)))).toEqual([]);
  });

  it.each(
    LAB_FIXTURES.flatMap((name) =>
      (['hashed', 'removed'] as const).map((p): [string, RedactionProfile] => [name, p]),
    ),
  )('lab recording %s exported redacted (%s) is a valid HAR', async (name, profile) => {
    const imported = importLab(name);
    const { text } = exportTrace(
      {
        exchanges: imported.exchanges,
        cookieEvents: imported.cookieEvents,
        responseBodies: imported.responseBodies,
        analysis: analyzeImport(imported),
      },
      { format: 'har', redaction: { profile }, now: NOW },
    );
    expect(await harErrors(JSON.parse(text))).toEqual([]);
  });

  it('the validator does reject a broken HAR (the check is not vacuous)', async () => {
    const file = exportHar([makeExchange()]);
    const broken = JSON.parse(JSON.stringify(file)) as {
      log: { entries: { request: Record<string, unknown> }[] };
    };
    delete broken.log.entries[0]?.request['headers'];
    expect(await harErrors(broken)).not.toEqual([]);
  });

  it('writes the members DevTools read: version, creator, pages, request and response', () => {
    const start = Date.parse('2026-11-30T10:00:00Z');
    const exchange = makeExchange({
      startedAt: start,
      tabId: 7,
      method: 'POST',
      url: 'https://as.example/login?client_id=app&scope=openid%20email',
      requestHeaders: [
        { name: 'Content-Type', value: 'application/x-www-form-urlencoded' },
        { name: 'Cookie', value: 'a=1; b=x=y' },
      ],
      requestBody: {
        kind: 'form',
        fields: [
          ['user', 'alice'],
          ['pass', 'p w&d'],
        ],
      },
      status: 302,
      statusLine: 'HTTP/2 302 Found',
      responseHeaders: [
        { name: 'Location', value: '/next' },
        {
          name: 'Set-Cookie',
          value:
            'sid=abc; Path=/; Domain=.as.example; Secure; HttpOnly; SameSite=Lax; Expires=Wed, 30 Dec 2026 10:00:00 GMT',
        },
        { name: 'Set-Cookie', value: 'tx=; Max-Age=0' },
      ],
      redirectUrl: 'https://as.example/next',
      timings: { start, sent: start + 2, headersReceived: start + 12, end: start + 15 },
      ip: '2001:db8::1',
    });
    const file = exportHar([exchange]);
    expect(file.log).toMatchObject({
      version: '1.2',
      creator: CREATOR,
      pages: [{ id: 'page_1', title: 'Tab 7', startedDateTime: '2026-11-30T10:00:00.000Z' }],
    });
    const [entry] = file.log.entries;
    expect(entry).toMatchObject({
      pageref: 'page_1',
      startedDateTime: '2026-11-30T10:00:00.000Z',
      time: 15,
      timings: { blocked: 2, send: 0, wait: 10, receive: 3 },
      serverIPAddress: '2001:db8::1',
      cache: {},
      _sessionTracer: { tabId: 7, frameType: 'main_frame', requestId: exchange.requestId, hop: 0 },
    });
    expect(entry?.request).toMatchObject({
      method: 'POST',
      httpVersion: 'HTTP/2',
      headersSize: -1,
      cookies: [
        { name: 'a', value: '1' },
        { name: 'b', value: 'x=y' },
      ],
      queryString: [
        { name: 'client_id', value: 'app' },
        { name: 'scope', value: 'openid email' },
      ],
      postData: {
        mimeType: 'application/x-www-form-urlencoded',
        params: [
          { name: 'user', value: 'alice' },
          { name: 'pass', value: 'p w&d' },
        ],
        text: 'user=alice&pass=p+w%26d',
      },
      bodySize: 23,
    });
    expect(entry?.response).toMatchObject({
      status: 302,
      statusText: 'Found',
      httpVersion: 'HTTP/2',
      redirectURL: 'https://as.example/next',
      headersSize: -1,
      bodySize: -1,
      content: { size: 0, mimeType: 'x-unknown' },
    });
    // One header per Set-Cookie, and the parsed cookies with their attributes.
    expect(entry?.response.headers.filter((h) => h.name === 'Set-Cookie')).toHaveLength(2);
    expect(entry?.response.cookies).toEqual([
      {
        name: 'sid',
        value: 'abc',
        path: '/',
        domain: 'as.example',
        expires: '2026-12-30T10:00:00.000Z',
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
      },
      { name: 'tx', value: '', httpOnly: false, secure: false },
    ]);
  });

  it('keeps timings non-negative when the recorded times are out of order or missing', async () => {
    const start = 5_000;
    const file = exportHar([
      makeExchange({ startedAt: start, timings: { start, sent: start - 5, end: start - 1 } }),
      makeExchange({ startedAt: start, timings: { start } }),
      makeExchange({ startedAt: Number.NaN, timings: { start: Number.NaN } }),
    ]);
    for (const entry of file.log.entries) {
      expect(entry.time).toBeGreaterThanOrEqual(0);
      for (const phase of Object.values(entry.timings)) expect(phase).toBeGreaterThanOrEqual(0);
    }
    expect(await harErrors(JSON.parse(JSON.stringify(file)))).toEqual([]);
  });

  it('writes a hostile URL, IP and Set-Cookie so that the HAR stays valid', async () => {
    const file = exportHar([
      makeExchange({
        url: 'https://x.example/a b\n<c>',
        ip: 'not-an-ip',
        responseHeaders: [{ name: 'Set-Cookie', value: 'x=1; Expires=someday' }],
      }),
    ]);
    const [entry] = file.log.entries;
    expect(entry?.request.url).toBe('https://x.example/a%20b%0A<c>');
    expect(entry?.serverIPAddress).toBeUndefined();
    expect(entry?._sessionTracer.exchangeId).toBeDefined();
    expect(entry?.response.cookies[0]?.expires).toBeUndefined();
    expect(await harErrors(JSON.parse(JSON.stringify(file)))).toEqual([]);
  });
});

describe('HAR export round trip through importHar', () => {
  it.each(LAB_FIXTURES)('%s: the same exchanges and response bodies come back', (name) => {
    const imported = importLab(name);
    const again = reimport(exportHar(imported.exchanges, imported.responseBodies));
    expect(withoutTimings(again.exchanges)).toEqual(withoutTimings(imported.exchanges));
    again.exchanges.forEach((x, i) => {
      const expected = imported.exchanges[i];
      if (expected) expectSameTimings(x.timings, expected.timings);
    });
    expect(again.responseBodies).toEqual(imported.responseBodies);
    expect(again.source.cookiesVisible).toBe(imported.source.cookiesVisible);
    expect(again.warnings).toEqual([]);
  });

  // What a HAR cannot carry (importHar does not read `_sessionTracer`):
  // - id: importHar names entries har.0, har.1, ... (the original is in _sessionTracer);
  // - frameId, parentFrameId: 0 and -1;
  // - documentUrl: not written;
  // - tabId: each tab becomes a HAR page, read back as 1, 2, ... in order of first use;
  // - type: only Chrome's _resourceType families come back (sub_frame needs
  //   Sec-Fetch-Dest: iframe, object and other rare types become "other");
  // - requestBody: an unavailable body is left out; a raw body loses `encoding` and
  //   `truncated` (base64 text is read back as UTF-8 text);
  // - statusLine: rebuilt as "<httpVersion> <status> <statusText>" ("HTTP/1.1" when unknown);
  // - redirectUrl of a hop that is not a 3xx;
  // - ip when it is not an IPv4 or IPv6 address (HAR requires one);
  // - timings: a missing `sent` or `headersReceived` is filled in, out-of-order times are
  //   clamped, and precision below a microsecond is lost;
  // - cookie events (HAR has no cookie-jar history).
  it('gives back every other field of hand-made exchanges', () => {
    const t0 = Date.parse('2026-11-30T10:00:00Z') + 0.25;
    const exchanges: Exchange[] = [
      {
        id: 'live-1',
        requestId: '1001',
        hop: 0,
        startedAt: t0,
        tabId: 42,
        frameId: 3,
        parentFrameId: 0,
        type: 'main_frame',
        method: 'GET',
        url: 'https://app.example/login',
        initiator: 'https://app.example',
        documentUrl: 'https://app.example/',
        requestHeaders: [{ name: 'Accept', value: 'text/html' }],
        status: 302,
        statusLine: 'HTTP/1.1 302 Found',
        responseHeaders: [
          { name: 'Location', value: 'https://as.example/authorize?state=s#frag' },
          { name: 'Set-Cookie', value: 'tx=1; Path=/callback' },
          { name: 'Set-Cookie', value: 'other=2' },
        ],
        redirectUrl: 'https://as.example/authorize?state=s#frag',
        ip: '203.0.113.9',
        timings: { start: t0, sent: t0 + 1.5, headersReceived: t0 + 20.125, end: t0 + 21 },
      },
      {
        id: 'live-2',
        requestId: '1001',
        hop: 1,
        startedAt: t0 + 25,
        tabId: 42,
        frameId: 3,
        parentFrameId: 0,
        type: 'main_frame',
        method: 'GET',
        url: 'https://as.example/authorize?state=s',
        requestHeaders: [],
        status: 200,
        statusLine: 'HTTP/1.1 200 OK',
        responseHeaders: [{ name: 'Content-Type', value: 'text/html; charset=utf-8' }],
        fromCache: true,
        ip: '::1',
        timings: { start: t0 + 25, sent: t0 + 26, headersReceived: t0 + 30, end: t0 + 31 },
      },
      {
        id: 'live-3',
        requestId: '1002',
        hop: 0,
        startedAt: t0 + 40,
        tabId: 42,
        frameId: 0,
        parentFrameId: -1,
        type: 'xmlhttprequest',
        method: 'POST',
        url: 'https://as.example/token',
        requestHeaders: [{ name: 'Content-Type', value: 'application/json' }],
        requestBody: {
          kind: 'raw',
          text: '{"grant_type":"x"}',
          encoding: 'utf8',
          truncated: false,
        },
        status: 0,
        responseHeaders: [],
        error: 'net::ERR_ABORTED',
        timings: { start: t0 + 40, sent: t0 + 40, headersReceived: t0 + 40, end: t0 + 41 },
      },
      {
        id: 'live-4',
        requestId: '1003',
        hop: 0,
        startedAt: t0 + 50,
        tabId: -1,
        frameId: 0,
        parentFrameId: -1,
        type: 'main_frame',
        method: 'POST',
        url: 'https://app.example/callback',
        requestHeaders: [
          { name: 'Content-Type', value: 'application/x-www-form-urlencoded' },
          { name: 'Cookie', value: 'tx=1' },
        ],
        requestBody: {
          kind: 'form',
          fields: [
            ['code', 'a+b c/=?&'],
            ['state', 'é✓'],
          ],
        },
        status: 200,
        statusLine: 'HTTP/1.1 200 OK',
        responseHeaders: [{ name: 'Content-Type', value: 'application/json' }],
        timings: { start: t0 + 50, sent: t0 + 51, headersReceived: t0 + 52, end: t0 + 53 },
      },
    ];
    const bodies = { 'live-2': '<!doctype html><p>Log in</p>', 'live-4': '{"ok":true}' };
    const again = reimport(exportHar(exchanges, bodies));

    // What does not survive, as listed above:
    const tabIds: Record<number, number> = { 42: 1, [-1]: -1 };
    expect(withoutTimings(again.exchanges)).toEqual(
      exchanges.map((x, index) => {
        const { timings: _t, documentUrl: _d, ...rest } = x;
        return {
          ...rest,
          id: `har.${index}`,
          frameId: 0,
          parentFrameId: -1,
          tabId: tabIds[x.tabId],
        };
      }),
    );
    again.exchanges.forEach((x, i) => {
      const expected = exchanges[i];
      if (expected) expectSameTimings(x.timings, expected.timings);
    });
    expect(again.responseBodies).toEqual({ 'har.1': bodies['live-2'], 'har.3': bodies['live-4'] });

    // ...and what HAR keeps for them in `_sessionTracer`.
    const file = exportHar(exchanges, bodies);
    expect(file.log.entries.map((e) => e._sessionTracer)).toEqual([
      {
        exchangeId: 'live-1',
        tabId: 42,
        frameId: 3,
        frameType: 'main_frame',
        requestId: '1001',
        hop: 0,
      },
      {
        exchangeId: 'live-2',
        tabId: 42,
        frameId: 3,
        frameType: 'main_frame',
        requestId: '1001',
        hop: 1,
      },
      {
        exchangeId: 'live-3',
        tabId: 42,
        frameId: 0,
        frameType: 'xmlhttprequest',
        requestId: '1002',
        hop: 0,
        error: 'net::ERR_ABORTED',
      },
      {
        exchangeId: 'live-4',
        tabId: -1,
        frameId: 0,
        frameType: 'main_frame',
        requestId: '1003',
        hop: 0,
      },
    ]);
    expect(file.log.entries[3]?.pageref).toBeUndefined();
  });

  it.each([
    [
      'an unavailable body is left out',
      { kind: 'unavailable', reason: 'stream' } as const,
      undefined,
    ],
    [
      'a base64 raw body comes back as UTF-8 text, not truncated',
      { kind: 'raw', text: 'AAEC', encoding: 'base64', truncated: true } as const,
      { kind: 'raw', text: 'AAEC', encoding: 'utf8', truncated: false },
    ],
  ])('request bodies HAR cannot carry: %s', (_name, requestBody, expected) => {
    const again = reimport(
      exportHar([
        makeExchange({
          method: 'POST',
          requestBody,
          requestHeaders: [{ name: 'Content-Type', value: 'application/octet-stream' }],
        }),
      ]),
    );
    expect(again.exchanges[0]?.requestBody).toEqual(expected);
  });

  it('rebuilds a missing status line and sub_frame only from Sec-Fetch-Dest', () => {
    const again = reimport(
      exportHar([
        makeExchange({ status: 204, type: 'sub_frame' }),
        makeExchange({
          type: 'sub_frame',
          requestHeaders: [{ name: 'Sec-Fetch-Dest', value: 'iframe' }],
        }),
        makeExchange({ type: 'object' }),
      ]),
    );
    expect(again.exchanges.map((x) => [x.statusLine, x.type])).toEqual([
      ['HTTP/1.1 204', 'main_frame'],
      ['HTTP/1.1 200', 'sub_frame'],
      ['HTTP/1.1 200', 'other'],
    ]);
  });
});
