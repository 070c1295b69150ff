import { describe, expect, it } from 'vitest';
import { headerValue, headerValues } from '@/lib/capture/headers';
import { importSamlTracer, isSamlTracerRedaction } from '@/lib/io/saml-tracer';
import type { ImportResult } from '@/lib/io/types';
import type { Exchange } from '@/lib/model';
import { parseSetCookie } from '@/lib/protocol/cookies';
import { SAML_TRACER_FIXTURES, fixtureText } from './fixtures';

const load = (name: string): ImportResult => importSamlTracer(fixtureText(name));
const at = (result: ImportResult, index: number): Exchange => {
  const exchange = result.exchanges[index];
  if (!exchange) throw new Error(`no request ${index}`);
  return exchange;
};
const EXPORTED = Date.parse('2024-03-05T10:16:05.123Z');
const HASH = /^\{hash:[0-9a-f]{64}\}$/;
const OBF = /^\{obf:alternative_\d+\}$/;

describe('importSamlTracer: the three export profiles of one SP-initiated login', () => {
  it.each(SAML_TRACER_FIXTURES)('%s: six requests, chained by requestId and Location', (name) => {
    const result = load(name);
    expect(result.source).toEqual({
      format: 'saml-tracer',
      producer: 'SAML-tracer',
      cookiesVisible: true,
      bodiesVisible: false,
    });
    expect(result.cookieEvents).toEqual([]);
    expect(result.responseBodies).toEqual({});
    expect(
      result.exchanges.map((x) => [x.id, x.method, x.status, x.requestId, x.hop, x.startedAt]),
    ).toEqual([
      ['saml-tracer.0', 'GET', 302, '8731', 0, EXPORTED],
      ['saml-tracer.1', 'GET', 302, '8731', 1, EXPORTED + 1],
      ['saml-tracer.2', 'GET', 200, '8731', 2, EXPORTED + 2],
      ['saml-tracer.3', 'POST', 200, '8752', 0, EXPORTED + 3],
      ['saml-tracer.4', 'POST', 303, '8760', 0, EXPORTED + 4],
      ['saml-tracer.5', 'GET', 200, '8760', 1, EXPORTED + 5],
    ]);
    expect(at(result, 0)).toMatchObject({
      url: 'https://sp.example.org/secure/',
      statusLine: 'HTTP/1.1 302 Found',
      type: 'main_frame',
      tabId: -1,
      redirectUrl: expect.stringMatching(
        /^https:\/\/idp\.example\.com\/saml2\/idp\/SSOService\.php\?SAMLRequest=fVJLT8JAEP4r/,
      ),
    });
    expect(at(result, 4)).toMatchObject({
      url: 'https://sp.example.org/saml/acs',
      redirectUrl: 'https://sp.example.org/secure/',
    });
    expect(result.warnings).toContain(
      'SAML-tracer exports have no per-request times: every request is dated at the export time, 1 ms apart in file order.',
    );
  });

  it.each(SAML_TRACER_FIXTURES)('%s: the decoded SAML messages are returned', (name) => {
    const { samlMessages } = load(name);
    expect(Object.keys(samlMessages ?? {})).toEqual(['saml-tracer.1', 'saml-tracer.4']);
    expect(samlMessages?.['saml-tracer.1']).toEqual({
      protocol: 'SAML-P',
      xml: expect.stringMatching(/^<samlp:AuthnRequest .*ID="_6c3a4f8b9e2d1c0a7f5e4d3c2b1a0918"/),
    });
    expect(samlMessages?.['saml-tracer.4']).toEqual({
      protocol: 'SAML-P',
      xml: expect.stringContaining('InResponseTo="_6c3a4f8b9e2d1c0a7f5e4d3c2b1a0918"'),
    });
  });

  it.each(SAML_TRACER_FIXTURES)('%s: the ACS response sets two cookies', (name) => {
    const acs = at(load(name), 4);
    expect(
      headerValues(acs.responseHeaders, 'set-cookie').map((v) => parseSetCookie(v).name),
    ).toEqual(['SimpleSAMLAuthToken', 'SimpleSAMLSessionID']);
  });

  it('None profile: values as captured, the SAMLResponse form field decodes to the XML', () => {
    const result = load('samltracer-gen-sp-initiated-none.json');
    expect(at(result, 3).requestBody).toEqual({
      kind: 'form',
      fields: [
        ['username', 'alice'],
        ['password', 'example-password'],
      ],
    });
    const acs = at(result, 4).requestBody;
    expect(acs?.kind).toBe('form');
    const fields = acs?.kind === 'form' ? Object.fromEntries(acs.fields) : {};
    expect(atob(fields.SAMLResponse ?? '')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(fields.RelayState).toBe('https://sp.example.org/secure/');
    expect(headerValue(at(result, 2).requestHeaders, 'cookie')).toBe(
      'SimpleSAMLSessionIDidp=7d1e5a9c3b8f2e6d4a0c9b1f8e7d6c5b',
    );
    expect(result.warnings.some((w) => /masked|removed/.test(w))).toBe(false);
  });

  it.each([
    ['samltracer-gen-sp-initiated-mask.json', HASH, /"Mask values"/],
    ['samltracer-gen-sp-initiated-remove.json', OBF, /"Remove values"/],
  ])('%s: redacted values import as markers, with a warning', (name, marker, warning) => {
    const result = load(name);
    const login = at(result, 3).requestBody;
    expect(login?.kind).toBe('form');
    const values = login?.kind === 'form' ? login.fields.map(([, v]) => v) : [];
    expect(values).toHaveLength(2);
    for (const value of values) expect(value).toMatch(marker);
    expect(result.warnings.some((w) => warning.test(w))).toBe(true);

    // Equality survives redaction: the IdP session cookie set on hop 1 is the one sent on hop 2.
    const set = parseSetCookie(headerValues(at(result, 1).responseHeaders, 'set-cookie')[0] ?? '');
    const sent = headerValue(at(result, 2).requestHeaders, 'cookie');
    expect(set.value).toMatch(marker);
    expect(sent).toBe(`SimpleSAMLSessionIDidp=${set.value}`);
    // The decoded SAML is not redacted by any profile.
    expect(result.samlMessages?.['saml-tracer.4']?.xml).toContain('alice@example.com');
  });

  it.each<[string, boolean]>([
    ['{hash:3e60d7c29a3dc8faacad13f11fcf8deb74b377842cbe0b4de558a51c675eaf45}', true],
    ['{hash:ad5343d0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}', true], // legacy SHA-1
    ['sid={obf:alternative_12}; path={obf:alternative_1}', true],
    ['{overwritten}', true],
    ['{hash:xyz}', false],
    ['alice', false],
  ])('isSamlTracerRedaction(%s) is %s', (value, expected) => {
    expect(isSamlTracerRedaction(value)).toBe(expected);
  });
});

describe('importSamlTracer: other shapes', () => {
  const request = (over: Record<string, unknown>): Record<string, unknown> => ({
    method: 'GET',
    url: 'https://sp.example.org/',
    requestId: '1',
    requestHeaders: [],
    get: [],
    responseStatus: 200,
    responseStatusText: 'HTTP/2.0 200 OK',
    responseHeaders: [],
    ...over,
  });
  const file = (requests: unknown[], timestamp: unknown = '2024-03-05T10:16:05.123Z'): string =>
    JSON.stringify({ requests, timestamp });

  it('reads the legacy 0.x format (header pairs, raw postData, reason-only status text)', () => {
    const legacy = JSON.stringify({
      requests: [
        {
          method: 'POST',
          url: 'https://sp.example.org/acs',
          requestHeaders: [
            ['Host', 'sp.example.org'],
            ['Content-Type', 'application/x-www-form-urlencoded'],
          ],
          get: [],
          postData: 'SAMLResponse=PHNhbWxwOlJlc3BvbnNl&RelayState=%2Fapp',
          post: [
            ['SAMLResponse', 'PHNhbWxwOlJlc3BvbnNl'],
            ['RelayState', '/app'],
          ],
          saml: '<samlp:Response>...</samlp:Response>',
          responseStatus: 302,
          responseStatusText: 'Found',
          responseHeaders: [
            ['Location', 'https://sp.example.org/app'],
            ['Set-Cookie', 'sp_session=abc; path=/'],
          ],
        },
        {
          method: 'GET',
          url: 'https://sp.example.org/app',
          requestHeaders: [['Cookie', 'sp_session=abc']],
          get: [],
          post: [],
          postData: '',
          saml: null,
          responseStatus: 200,
          responseStatusText: 'OK',
          responseHeaders: [],
        },
      ],
      timestamp: 1425300965123,
    });
    const result = importSamlTracer(legacy);
    expect(result.source.producer).toBe('SAML-tracer (legacy 0.x format)');
    expect(result.exchanges.map((x) => [x.requestId, x.hop, x.startedAt, x.statusLine])).toEqual([
      ['#0', 0, 1425300965123, '302 Found'],
      ['#0', 1, 1425300965124, '200 OK'],
    ]);
    expect(result.exchanges[0]).toMatchObject({
      requestHeaders: [
        { name: 'Host', value: 'sp.example.org' },
        { name: 'Content-Type', value: 'application/x-www-form-urlencoded' },
      ],
      requestBody: {
        kind: 'form',
        fields: [
          ['SAMLResponse', 'PHNhbWxwOlJlc3BvbnNl'],
          ['RelayState', '/app'],
        ],
      },
      redirectUrl: 'https://sp.example.org/app',
    });
    expect(result.samlMessages).toEqual({
      'saml-tracer.0': { protocol: 'SAML-P', xml: '<samlp:Response>...</samlp:Response>' },
    });
  });

  it("splits Firefox's \\n-joined Set-Cookie", () => {
    const result = importSamlTracer(
      file([
        request({
          responseHeaders: [
            { name: 'set-cookie', value: 's1=AAA; Path=/; Secure\ns2=BBB; HttpOnly' },
            { name: 'X-Firefox-Spdy', value: 'h2' },
          ],
        }),
      ]),
    );
    expect(headerValues(at(result, 0).responseHeaders, 'set-cookie')).toEqual([
      's1=AAA; Path=/; Secure',
      's2=BBB; HttpOnly',
    ]);
  });

  it('marks a non-form POST body as not exported', () => {
    const result = importSamlTracer(
      file([request({ method: 'POST', get: undefined, responseStatus: 401 })]),
    );
    expect(at(result, 0).requestBody).toEqual({
      kind: 'unavailable',
      reason: 'SAML-tracer exports only form bodies',
    });
    expect(result.warnings).toContain(
      '1 request body is not in the export (SAML-tracer keeps form bodies only, and no response bodies).',
    );
  });

  it('keeps a WS-Fed sign-in request without a decoded message', () => {
    const result = importSamlTracer(
      file([request({ url: 'https://adfs/?wa=wsignin1.0', protocol: 'WS-Fed', saml: null })]),
    );
    expect(result.samlMessages).toEqual({ 'saml-tracer.0': { protocol: 'WS-Fed', xml: null } });
  });

  it('reads a postData object when there is no post list', () => {
    const result = importSamlTracer(
      file([request({ method: 'POST', postData: { a: ['1', '2'], b: ['x'] } })]),
    );
    expect(at(result, 0).requestBody).toEqual({
      kind: 'form',
      fields: [
        ['a', '1'],
        ['a', '2'],
        ['b', 'x'],
      ],
    });
  });

  it('imports an empty export and one without a timestamp, with warnings', () => {
    expect(importSamlTracer(file([])).warnings).toContain('The export has no requests.');
    const undated = importSamlTracer(JSON.stringify({ requests: [request({})] }));
    expect(undated.exchanges[0]?.startedAt).toBe(0);
    expect(undated.warnings).toContain(
      'The export has no valid timestamp: requests are dated from 1970-01-01.',
    );
  });

  it('does not chain hops of different requestIds', () => {
    const result = importSamlTracer(
      file([
        request({
          requestId: '1',
          responseStatus: 302,
          responseHeaders: [{ name: 'Location', value: '/next' }],
        }),
        request({ requestId: '2', url: 'https://sp.example.org/next' }),
      ]),
    );
    expect(result.exchanges.map((x) => [x.requestId, x.hop])).toEqual([
      ['1', 0],
      ['2', 0],
    ]);
  });
});
