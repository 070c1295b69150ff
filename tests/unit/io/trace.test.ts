import { describe, expect, it } from 'vitest';
import { InputFormatError } from '@/lib/errors';
import { importHar } from '@/lib/io/har';
import { importSamlTracer } from '@/lib/io/saml-tracer';
import { TRACE_FORMAT, importTrace, serializeTrace } from '@/lib/io/trace';
import type { CookieEvent, Exchange } from '@/lib/model';
import { makeCookieEvent, makeExchange } from '@/tests/helpers/factories';
import { fixtureText } from './fixtures';

const EXPORTED_AT = '2024-05-01T10:00:00.000Z';

function richExchange(): Exchange {
  return makeExchange({
    id: 'x-rich',
    requestId: '42',
    hop: 2,
    tabId: 7,
    frameId: 3,
    parentFrameId: 0,
    type: 'sub_frame',
    method: 'POST',
    url: 'https://auth.example/token',
    initiator: 'https://app.example',
    documentUrl: 'https://app.example/page',
    requestHeaders: [{ name: 'Cookie', value: 'sid=1; other=a=b' }],
    requestBody: {
      kind: 'form',
      fields: [
        ['grant_type', 'authorization_code'],
        ['code', 'abc'],
      ],
    },
    status: 302,
    statusLine: 'HTTP/1.1 302 Found',
    responseHeaders: [
      { name: 'Set-Cookie', value: 'sid=2; Path=/; HttpOnly' },
      { name: 'Location', value: '/cb#state=x' },
    ],
    redirectUrl: 'https://auth.example/cb#state=x',
    fromCache: false,
    ip: '::1',
    timings: { start: 1000, sent: 1001, headersReceived: 1010, end: 1012.5 },
    error: 'net::ERR_ABORTED',
  });
}

function roundTrip(exchanges: Exchange[], cookieEvents: CookieEvent[]) {
  return importTrace(serializeTrace(exchanges, cookieEvents, { exportedAt: EXPORTED_AT }));
}

describe('serializeTrace / importTrace', () => {
  it('writes the documented top level, in order', () => {
    const text = serializeTrace([], [], {
      exportedAt: Date.parse(EXPORTED_AT),
      redaction: { profile: 'default' },
      analysis: { version: 1, flows: [] },
    });
    const parsed: unknown = JSON.parse(text);
    expect(Object.keys(parsed as object)).toEqual([
      'format',
      'version',
      'exportedAt',
      'exchanges',
      'cookieEvents',
      'redaction',
      'analysis',
    ]);
    expect(parsed).toMatchObject({ format: TRACE_FORMAT, version: 1, exportedAt: EXPORTED_AT });
  });

  it.each<[string, () => { exchanges: Exchange[]; cookieEvents: CookieEvent[] }]>([
    ['factory records', () => ({ exchanges: [makeExchange(), makeExchange()], cookieEvents: [] })],
    [
      'every optional member set, and all body kinds',
      () => ({
        exchanges: [
          richExchange(),
          makeExchange({
            requestBody: { kind: 'raw', text: 'AAEC', encoding: 'base64', truncated: true },
          }),
          makeExchange({ requestBody: { kind: 'unavailable', reason: 'file' } }),
        ],
        cookieEvents: [
          makeCookieEvent(),
          makeCookieEvent({
            removed: true,
            cause: 'expired_overwrite',
            cookie: {
              name: '__Host-sid',
              value: 'v',
              domain: 'auth.example',
              path: '/',
              secure: true,
              httpOnly: true,
              sameSite: 'no_restriction',
              hostOnly: false,
              session: false,
              expirationDate: 1_900_000_000.5,
              storeId: '0',
              partitionKey: { topLevelSite: 'https://app.example' },
            },
          }),
        ],
      }),
    ],
    ['a HAR import (Auth0 login)', () => importHar(fixtureText('auth0-login-firefox118.har'))],
    [
      'a HAR import (chrome-har redirects)',
      () => importHar(fixtureText('pagexray-chromehar-chrome66-lf-setcookie-redirects.har')),
    ],
    [
      'a SAML-tracer import (masked)',
      () => importSamlTracer(fixtureText('samltracer-gen-sp-initiated-mask.json')),
    ],
  ])('round trip: %s', (_label, make) => {
    const { exchanges, cookieEvents } = make();
    const result = roundTrip(exchanges, cookieEvents);
    expect(result.exchanges).toEqual(exchanges);
    expect(result.cookieEvents).toEqual(cookieEvents);
    expect(result.trace).toEqual({ exportedAt: EXPORTED_AT });
    expect(result.source).toMatchObject({ format: 'trace', producer: 'Session Tracer' });
    expect(result.responseBodies).toEqual({});
  });

  it('returns redaction and analysis as written', () => {
    const redaction = { profile: 'share', hashKey: 'k1' };
    const analysis = { version: 1, flows: [{ id: 'f1', kind: 'sso' }] };
    const text = serializeTrace([makeExchange()], [], {
      exportedAt: new Date(EXPORTED_AT),
      redaction,
      analysis,
      indent: 0,
    });
    expect(text).not.toContain('\n');
    expect(importTrace(text).trace).toEqual({ exportedAt: EXPORTED_AT, redaction, analysis });
  });

  it('says whether cookies are visible', () => {
    expect(roundTrip([makeExchange()], []).source.cookiesVisible).toBe(false);
    expect(roundTrip([makeExchange()], [makeCookieEvent()]).source.cookiesVisible).toBe(true);
    expect(roundTrip([richExchange()], []).source.cookiesVisible).toBe(true);
  });

  it('drops members the model does not know', () => {
    const text = serializeTrace([{ ...makeExchange({ id: 'a' }), extra: 1 } as Exchange], [], {
      exportedAt: EXPORTED_AT,
    });
    expect(importTrace(text).exchanges[0]).not.toHaveProperty('extra');
  });
});

describe('importTrace: the first bad member is named', () => {
  const valid = (): Record<string, unknown> =>
    JSON.parse(
      serializeTrace([richExchange(), makeExchange({ id: 'b' })], [makeCookieEvent({ id: 'c' })], {
        exportedAt: EXPORTED_AT,
      }),
    ) as Record<string, unknown>;
  type Doc = Record<string, unknown> & {
    exchanges: Record<string, unknown>[];
    cookieEvents: Record<string, unknown>[];
  };

  it.each<[string, (doc: Doc) => void, string]>([
    [
      'url a number',
      (d) => (d.exchanges[1]!.url = 5),
      'exchanges[1].url: expected a string, found a number',
    ],
    [
      'url missing',
      (d) => delete d.exchanges[0]!.url,
      'exchanges[0].url: expected a string, it is missing',
    ],
    ['id empty', (d) => (d.exchanges[0]!.id = ''), 'exchanges[0].id: expected a non-empty string'],
    [
      'duplicate id',
      (d) => (d.exchanges[1]!.id = 'x-rich'),
      'exchanges[1].id: duplicate id "x-rich" (also exchanges[0].id)',
    ],
    [
      'hop negative',
      (d) => (d.exchanges[0]!.hop = -1),
      'exchanges[0].hop: expected an integer of 0 or more',
    ],
    [
      'tabId a float',
      (d) => (d.exchanges[0]!.tabId = 1.5),
      'exchanges[0].tabId: expected an integer, found a number',
    ],
    [
      'status a string',
      (d) => (d.exchanges[0]!.status = '200'),
      'exchanges[0].status: expected an integer, found a string',
    ],
    [
      'header value',
      (d) => ((d.exchanges[0]!.requestHeaders as unknown[])[0] = { name: 'a' }),
      'exchanges[0].requestHeaders[0].value: expected a string, it is missing',
    ],
    [
      'headers an object',
      (d) => (d.exchanges[1]!.responseHeaders = {}),
      'exchanges[1].responseHeaders: expected an array, found an object',
    ],
    [
      'body kind',
      (d) => (d.exchanges[0]!.requestBody = { kind: 'json' }),
      'exchanges[0].requestBody.kind: expected one of "form", "raw", "unavailable", found "json"',
    ],
    [
      'form pair',
      (d) => (d.exchanges[0]!.requestBody = { kind: 'form', fields: [['a']] }),
      'exchanges[0].requestBody.fields[0]: expected a [name, value] pair, found 1 items',
    ],
    [
      'raw encoding',
      (d) =>
        (d.exchanges[0]!.requestBody = {
          kind: 'raw',
          text: '',
          encoding: 'hex',
          truncated: false,
        }),
      'exchanges[0].requestBody.encoding: expected one of "utf8", "base64", found "hex"',
    ],
    [
      'timings.start',
      (d) => (d.exchanges[0]!.timings = { end: 1 }),
      'exchanges[0].timings.start: expected a number, it is missing',
    ],
    [
      'fromCache',
      (d) => (d.exchanges[0]!.fromCache = 'yes'),
      'exchanges[0].fromCache: expected a boolean, found a string',
    ],
    [
      'cookie cause',
      (d) => (d.cookieEvents[0]!.cause = 'eaten'),
      'cookieEvents[0].cause: expected one of "explicit", "overwrite", "expired", "expired_overwrite", "evicted", found "eaten"',
    ],
    [
      'cookie sameSite',
      (d) => ((d.cookieEvents[0]!.cookie as Record<string, unknown>).sameSite = 'Lax'),
      'cookieEvents[0].cookie.sameSite: expected one of "no_restriction", "lax", "strict", "unspecified", found "Lax"',
    ],
    [
      'cookie secure',
      (d) => ((d.cookieEvents[0]!.cookie as Record<string, unknown>).secure = 1),
      'cookieEvents[0].cookie.secure: expected a boolean, found a number',
    ],
    [
      'exchanges missing',
      (d) => delete (d as Record<string, unknown>).exchanges,
      'exchanges: expected an array, it is missing',
    ],
    ['version 2', (d) => (d.version = 2), 'unsupported trace version 2'],
    [
      'exportedAt not a date',
      (d) => (d.exportedAt = 'today'),
      'exportedAt: expected an ISO-8601 date-time, found "today"',
    ],
    ['analysis an array', (d) => (d.analysis = []), 'analysis: expected an object, found an array'],
  ])('%s', (_label, mutate, message) => {
    const doc = valid() as Doc;
    mutate(doc);
    const run = () => importTrace(JSON.stringify(doc));
    expect(run).toThrow(InputFormatError);
    expect(run).toThrow(message);
  });

  it('reads null optional members as absent', () => {
    const doc = valid() as Doc;
    doc.exchanges[1]!.initiator = null;
    doc.exchanges[1]!.requestBody = null;
    const exchange = importTrace(JSON.stringify(doc)).exchanges[1];
    expect(exchange).not.toHaveProperty('initiator');
    expect(exchange).not.toHaveProperty('requestBody');
  });
});

describe('trace response bodies', () => {
  it('reads back the response bodies an export kept, for known hops only', () => {
    const hop = makeExchange({ id: 'tok' });
    const text = JSON.stringify({
      ...JSON.parse(serializeTrace([hop], [], { exportedAt: 0 })),
      responseBodies: { tok: '{"id_token":"x"}', unknown: 'dropped' },
    });
    const result = importTrace(text);
    expect(result.responseBodies).toEqual({ tok: '{"id_token":"x"}' });
    expect(result.source.bodiesVisible).toBe(true);
  });

  it('names the bad member when a body is not text', () => {
    const hop = makeExchange({ id: 'tok' });
    const text = JSON.stringify({
      ...JSON.parse(serializeTrace([hop], [], { exportedAt: 0 })),
      responseBodies: { tok: 5 },
    });
    expect(() => importTrace(text)).toThrow(/responseBodies\.tok/);
  });
});
