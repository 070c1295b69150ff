import { describe, expect, it } from 'vitest';
import { InputFormatError } from '@/lib/errors';
import {
  DEFAULT_PROFILE,
  REDACTION_PROFILES,
  REMOVED,
  SIGNATURE_REMOVED,
  createRedactor,
  isRedacted,
  isRedactedJwt,
  parseRedactionProfile,
  redactRecords,
  scrubText,
} from '@/lib/io/redact';
import type { Header } from '@/lib/model';
import { makeCookieEvent, makeExchange } from '@/tests/helpers/factories';
import { HASH, KEY, jwe, jws, redactEvents, redactOne, redactor, segment } from './helpers';

const SECRET = 'Secr3tValue42xyz';
const header = (headers: Header[], name: string) =>
  headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

describe('profiles', () => {
  it('hashed is the default; the list names all three', () => {
    expect(DEFAULT_PROFILE).toBe('hashed');
    expect([...REDACTION_PROFILES].sort()).toEqual(['hashed', 'none', 'removed']);
  });

  it.each([
    ['hashed', 'hashed'],
    [' Removed ', 'removed'],
    ['NONE', 'none'],
  ])('parseRedactionProfile(%j) is %s', (text, profile) => {
    expect(parseRedactionProfile(text)).toBe(profile);
  });

  it('an unknown profile is a clear InputFormatError', () => {
    expect(() => parseRedactionProfile('masked')).toThrow(InputFormatError);
    expect(() => parseRedactionProfile('masked')).toThrow(/unknown redaction profile "masked"/);
    expect(() => createRedactor({ profile: 'x' as 'none' })).toThrow(InputFormatError);
  });

  it.each([
    ['hashed', HASH],
    ['removed', /^‹removed›$/],
  ] as const)('%s: a secret becomes %s', (profile, pattern) => {
    const { x } = redactOne({ url: `https://as.example/cb?code=${SECRET}` }, { profile });
    expect(new URL(x.url).searchParams.get('code')).toMatch(pattern);
  });

  it('none: values unchanged, and the report warns', () => {
    const r = createRedactor({ profile: 'none' });
    const x = makeExchange({
      url: `https://as.example/cb?code=${SECRET}`,
      requestHeaders: [{ name: 'Cookie', value: `sid=${SECRET}` }],
    });
    const out = redactRecords({ exchanges: [x], cookieEvents: [] }, r);
    expect(out.exchanges).toEqual([x]);
    expect(r.report()).toMatchObject({
      profile: 'none',
      jwtSignatures: 'kept',
      warning: expect.stringMatching(/NOT redacted/),
    });
    expect(r.report().counts.params + r.report().counts.cookies).toBe(2);
  });

  it('the report says how it was redacted, counts by category, and never holds the key', () => {
    const r = redactor({ extraNames: ['tenant_key'] });
    redactRecords(
      {
        exchanges: [
          makeExchange({
            url: `https://as.example/authorize?state=${SECRET}&nonce=n0nce123&tenant_key=t3nant`,
            requestHeaders: [
              { name: 'Cookie', value: 'a=1aaaaaaa; b=2bbbbbbb' },
              { name: 'Authorization', value: 'Bearer opaqu3token' },
            ],
            requestBody: { kind: 'form', fields: [['username', 'alice']] },
            responseHeaders: [{ name: 'Set-Cookie', value: 'c=3ccccccc; Path=/' }],
          }),
          makeExchange({
            url: `https://as.example/cb#id_token=${jws({ sub: 'a' })}`,
            requestBody: {
              kind: 'raw',
              text: '%%%not a form%%%',
              encoding: 'utf8',
              truncated: false,
            },
          }),
          makeExchange({ url: 'https://sp.example/acs?SAMLResponse=PHNhbWxwOlJlc3BvbnNl' }),
        ],
        cookieEvents: [makeCookieEvent()],
      },
      r,
    );
    const report = r.report();
    expect(report).toEqual({
      profile: 'hashed',
      jwtSignatures: 'removed',
      extraNames: ['tenant_key'],
      counts: { cookies: 4, headers: 1, params: 3, formFields: 1, bodies: 1, tokens: 1, saml: 1 },
    });
    expect(JSON.stringify(report)).not.toContain(KEY);
  });
});

describe('query and fragment parameters', () => {
  const names = [
    'code',
    'state',
    'nonce',
    'code_verifier',
    'code_challenge',
    'client_secret',
    'password',
    'assertion',
    'client_assertion',
    'id_token_hint',
    'refresh_token',
    'access_token',
    'id_token',
    'logout_token',
    'request',
    'SAMLRequest',
    'SAMLResponse',
    'Signature',
    'RelayState',
    'wresult',
    'wctx',
    'session_state',
    'sid',
    'token',
    'secret',
    'csrf_token',
    'X-Amz-Signature',
    'apiKey',
  ];

  it.each(names)('%s in the query is replaced; the URL still parses', (name) => {
    const url = `https://as.example/authorize?client_id=app&${name}=${SECRET}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid+email`;
    const { x } = redactOne({ url });
    const parsed = new URL(x.url);
    expect(parsed.searchParams.get(name)).toMatch(HASH);
    expect(parsed.searchParams.get('client_id')).toBe('app');
    expect(parsed.searchParams.get('redirect_uri')).toBe('https://app.example/cb');
    expect(parsed.searchParams.get('scope')).toBe('openid email');
    expect(x.url).not.toContain(SECRET);
    expect(x.url).toMatch(/^[\x21-\x7e]+$/); // percent-encoded: a strict URL
  });

  it.each(names)('%s in the fragment is replaced', (name) => {
    const { x } = redactOne({ url: `https://app.example/cb#${name}=${SECRET}&token_type=Bearer` });
    const fragment = new URLSearchParams(new URL(x.url).hash.slice(1));
    expect(fragment.get(name)).toMatch(HASH);
    expect(fragment.get('token_type')).toBe('Bearer');
  });

  it.each(['client_id', 'redirect_uri', 'response_type', 'scope', 'token_type', 'iss', 'error'])(
    '%s is not secret',
    (name) => {
      const { x } = redactOne({ url: `https://as.example/cb?${name}=plainvalue` });
      expect(x.url).toBe('https://as.example/cb?plainvalue'.replace('?', `?${name}=`));
    },
  );

  it('extraNames are secret too, case-insensitively', () => {
    const { x } = redactOne(
      { url: `https://as.example/cb?Tenant_Key=${SECRET}` },
      { extraNames: ['tenant_key'] },
    );
    expect(new URL(x.url).searchParams.get('Tenant_Key')).toMatch(HASH);
  });

  it('an SPA route in the fragment keeps its path', () => {
    const { x } = redactOne({ url: `https://app.example/#/callback?code=${SECRET}&lang=en` });
    expect(x.url).toMatch(
      /^https:\/\/app\.example\/#\/callback\?code=%E2%80%B9h%3A[0-9a-f]{8}%E2%80%BA&lang=en$/,
    );
  });

  it.each([
    [
      'redirectUrl',
      { redirectUrl: `https://app.example/cb?code=${SECRET}#access_token=${SECRET}2` },
    ],
    ['documentUrl', { documentUrl: `https://app.example/page?state=${SECRET}` }],
  ])('%s too', (_field, over) => {
    const { x } = redactOne(over);
    expect(JSON.stringify(x)).not.toContain(SECRET);
    expect(JSON.stringify(x)).toContain('%E2%80%B9h%3A');
  });

  it.each(['Location', 'Content-Location', 'Referer'])('%s header URLs too', (name) => {
    const value = `https://app.example/cb?code=${SECRET}&state=st4te123#id_token=${SECRET}`;
    const headers = [{ name, value }];
    const { x } = redactOne({ requestHeaders: headers, responseHeaders: headers });
    for (const h of [...x.requestHeaders, ...x.responseHeaders]) {
      expect(h.value).not.toContain(SECRET);
      expect(new URL(h.value).searchParams.get('code')).toMatch(HASH);
    }
  });

  it('a relative Location keeps its path and loses its secrets', () => {
    const { x } = redactOne({
      responseHeaders: [
        { name: 'Location', value: `/callback?code=${SECRET}&iss=https%3A%2F%2Fas` },
      ],
    });
    expect(header(x.responseHeaders, 'location')).toMatch(
      /^\/callback\?code=%E2%80%B9h%3A[0-9a-f]{8}%E2%80%BA&iss=https%3A%2F%2Fas$/,
    );
  });

  it('a URL nested in a parameter loses its secrets too', () => {
    const inner = `https://app.example/cb?code=${SECRET}&state=x`;
    const { x } = redactOne({
      url: `https://idp.example/logout?return_to=${encodeURIComponent(inner)}`,
    });
    const returnTo = new URL(x.url).searchParams.get('return_to')!;
    expect(new URL(returnTo).searchParams.get('code')).toMatch(HASH);
    expect(new URL(returnTo).searchParams.get('state')).toMatch(HASH);
  });

  it('a secret echoed in a path is replaced, percent-encoded, and the URL parses', () => {
    const uid = 'LIoq9eRaHDuJNuZy_6zVqHDR';
    const x1 = makeExchange({
      requestHeaders: [{ name: 'Cookie', value: `_interaction=${uid}` }],
      url: `https://as.example/interaction/${uid}/login`,
    });
    const out = redactRecords({ exchanges: [x1], cookieEvents: [] }, redactor()).exchanges[0]!;
    expect(out.url).not.toContain(uid);
    const cookie = header(out.requestHeaders, 'cookie')!.split('=')[1]!;
    expect(new URL(out.url).pathname).toBe(`/interaction/${encodeURIComponent(cookie)}/login`);
  });
});

describe('form fields and request bodies', () => {
  it('every form field value is replaced, names stay, an empty value stays empty', () => {
    const { x } = redactOne({
      method: 'POST',
      requestBody: {
        kind: 'form',
        fields: [
          ['username', 'alice'],
          ['password', 'wonderland'],
          ['remember', 'yes'],
          ['login', ''],
        ],
      },
    });
    expect(x.requestBody).toEqual({
      kind: 'form',
      fields: [
        ['username', expect.stringMatching(HASH)],
        ['password', expect.stringMatching(HASH)],
        ['remember', expect.stringMatching(HASH)],
        ['login', ''],
      ],
    });
  });

  it('a urlencoded raw body: every value replaced, names and order kept', () => {
    const text = `grant_type=authorization_code&code=${SECRET}&code_verifier=v3rifier-abc&redirect_uri=https%3A%2F%2Fapp%2Fcb`;
    const { x } = redactOne({
      method: 'POST',
      requestHeaders: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
      requestBody: { kind: 'raw', text, encoding: 'utf8', truncated: false },
    });
    const body = x.requestBody?.kind === 'raw' ? x.requestBody.text : '';
    const params = [...new URLSearchParams(body)];
    expect(params.map(([n]) => n)).toEqual(['grant_type', 'code', 'code_verifier', 'redirect_uri']);
    for (const [, value] of params) expect(value).toMatch(HASH);
  });

  it('a JSON request body: values of secret keys replaced at any depth, the rest kept', () => {
    const text = JSON.stringify({
      username: 'alice',
      password: 'pa55word',
      count: 3,
      client: { client_secret: 'cs-123456', pin: 1234, list: [{ refresh_token: 'rt-123456' }] },
      credentials: { user: 'u1', key: 'k-123456' },
    });
    const { x } = redactOne({
      method: 'POST',
      requestHeaders: [{ name: 'content-type', value: 'application/json' }],
      requestBody: { kind: 'raw', text, encoding: 'utf8', truncated: false },
    });
    const body = JSON.parse(x.requestBody?.kind === 'raw' ? x.requestBody.text : '');
    expect(body).toEqual({
      username: 'alice',
      password: expect.stringMatching(HASH),
      count: 3,
      client: {
        client_secret: expect.stringMatching(HASH),
        pin: expect.stringMatching(HASH),
        list: [{ refresh_token: expect.stringMatching(HASH) }],
      },
      credentials: { user: expect.stringMatching(HASH), key: expect.stringMatching(HASH) },
    });
  });

  it.each([
    ['text', 'some opaque payload with Secr3t inside', 'utf8', 'text/plain'],
    ['truncated JSON', '{"password":"Secr3t-passw', 'utf8', 'application/json'],
    [
      'multipart',
      '--b\r\nContent-Disposition: form-data; name="password"\r\n\r\nSecr3t\r\n--b--',
      'utf8',
      'multipart/form-data; boundary=b',
    ],
    ['XML', '<soap:Envelope><Password>Secr3t</Password></soap:Envelope>', 'utf8', 'text/xml'],
    ['base64', 'cGFzc3dvcmQ9U2VjcjN0', 'base64', ''],
  ] as const)(
    'a raw %s body that is not parseable is wholly replaced',
    (_kind, text, encoding, type) => {
      const { x, r } = redactOne({
        method: 'POST',
        requestHeaders: type ? [{ name: 'Content-Type', value: type }] : [],
        requestBody: { kind: 'raw', text, encoding, truncated: false },
      });
      expect(x.requestBody).toEqual({
        kind: 'raw',
        text: expect.stringMatching(HASH),
        encoding,
        truncated: false,
      });
      expect(r.report().counts.bodies).toBe(1);
    },
  );

  it.each([
    [{ kind: 'raw', text: '  ', encoding: 'utf8', truncated: false }],
    [{ kind: 'unavailable', reason: 'too large' }],
  ] as const)('an empty or unavailable body stays as it is: %j', (requestBody) => {
    expect(redactOne({ requestBody }).x.requestBody).toEqual(requestBody);
  });
});

describe('response bodies', () => {
  it('a JSON token response: tokens replaced by key, the rest readable', () => {
    const idToken = jws({ sub: 'alice', nonce: 'n0nce-123456' });
    const body = JSON.stringify({
      access_token: 'at-1234567890',
      token_type: 'Bearer',
      expires_in: 3600,
      id_token: idToken,
      refresh_token: 'rt-1234567890',
      scope: 'openid email',
    });
    const out = JSON.parse(redactOne({}, {}, body).body!);
    expect(out).toEqual({
      access_token: expect.stringMatching(HASH),
      token_type: 'Bearer',
      expires_in: 3600,
      id_token: expect.stringMatching(/^eyJ[\w-]+\.eyJ[\w-]+\.‹signature removed h:[0-9a-f]{8}›$/),
      refresh_token: expect.stringMatching(HASH),
      scope: 'openid email',
    });
  });

  it('a discovery document is left alone (token_endpoint, *_supported are not secret names)', () => {
    const body = JSON.stringify({
      issuer: 'https://as.example',
      token_endpoint: 'https://as.example/token',
      end_session_endpoint: 'https://as.example/logout',
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      request_parameter_supported: true,
      claims_supported: ['sub', 'nonce', 'sid'],
    });
    expect(redactOne({}, {}, body).body).toBe(body);
  });

  it('a urlencoded token response: secret names replaced', () => {
    const out = redactOne(
      {},
      {},
      'access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo&token_type=bearer',
    ).body!;
    const params = new URLSearchParams(out);
    expect(params.get('access_token')).toMatch(HASH);
    expect(params.get('scope')).toBe('repo');
    expect(params.get('token_type')).toBe('bearer');
  });

  it('HTML: hidden inputs and meta tags with secret names, links with secret parameters, echoed secrets', () => {
    const html = [
      '<form method="post" action="/session/end/confirm">',
      '<input type="hidden" name="xsrf" value="503223e7fcc0ee03bba3"/>',
      `<input type="hidden" name="SAMLResponse" value="PHNhbWxwOlJlc3BvbnNlIElEPSJfMSI+&#x3D;&#x3D;">`,
      '<input name="username" value="alice">',
      '</form>',
      '<meta name="csrf-token" content="Zm9vYmFyYmF6cXV4">',
      `<a href="https://app.example/cb?code=${SECRET}&amp;state=st4te-9876">continue</a>`,
      `<pre>"nonce": "${SECRET}"</pre>`,
    ].join('\n');
    const { body } = redactOne({ url: `https://as.example/x?nonce=${SECRET}` }, {}, html);
    expect(body).not.toContain('503223e7fcc0ee03bba3');
    expect(body).not.toContain('PHNhbWxw');
    expect(body).not.toContain('Zm9vYmFyYmF6cXV4');
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain('st4te-9876');
    expect(body).toContain('<input name="username" value="alice">');
    expect(body).toMatch(/name="xsrf" value="‹h:[0-9a-f]{8}›"/);
  });
});

describe('headers', () => {
  it.each([
    ['Authorization', 'Bearer opaqu3-access-token', /^Bearer ‹h:[0-9a-f]{8}›$/],
    ['Authorization', `Basic ${btoa('client:s3cret-pass')}`, /^Basic ‹h:[0-9a-f]{8}›$/],
    ['Proxy-Authorization', `Basic ${btoa('proxy:pr0xy-pass')}`, /^Basic ‹h:[0-9a-f]{8}›$/],
    [
      'Authorization',
      'Digest username="bob", realm="r", nonce="abc", response="6629fae4"',
      /^Digest ‹h:[0-9a-f]{8}›$/,
    ],
    [
      'Authorization',
      `Bearer ${jws({ sub: 'a' })}`,
      /^Bearer eyJ[\w-]+\.eyJ[\w-]+\.‹signature removed h:[0-9a-f]{8}›$/,
    ],
    ['X-Api-Key', 'k3y-123456', HASH],
    ['Api-Key', 'k3y-123456', HASH],
    ['X-CSRF-Token', 'csrf-123456', HASH],
    ['X-XSRF-TOKEN', 'xsrf-123456', HASH],
    ['X-Session-Id', 'sess-123456', HASH],
    ['X-Auth-Token', 'Token t0k-123456', /^Token ‹h:[0-9a-f]{8}›$/],
    ['X-Client-Secret', 'sec-123456', HASH],
    ['X-Amz-Security-Token', 'FQoGZXIvYXdzE', HASH],
    [
      'DPoP',
      jws({ htm: 'POST' }, 'ZHBvcC1zaWduYXR1cmUtMTIzNDU2', { alg: 'ES256', typ: 'dpop+jwt' }),
      /\.‹signature removed h:[0-9a-f]{8}›$/,
    ],
  ])('%s: %s', (name, value, expected) => {
    const { x } = redactOne({ requestHeaders: [{ name, value }] });
    expect(x.requestHeaders[0]).toEqual({ name, value: expect.stringMatching(expected) });
  });

  it.each([
    ['WWW-Authenticate', 'Bearer realm="api", error="invalid_token", error_description="expired"'],
    ['Content-Type', 'application/x-www-form-urlencoded'],
    ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0'],
    ['Accept', 'text/html,application/xhtml+xml'],
    ['X-OAuth-Scopes', 'repo, user'],
    ['Origin', 'https://app.example'],
    ['Cache-Control', 'no-store'],
  ])('%s stays readable', (name, value) => {
    const { x } = redactOne({ responseHeaders: [{ name, value }] });
    expect(x.responseHeaders[0]).toEqual({ name, value });
  });

  it('a Negotiate token and a Digest nonce in a challenge are replaced, the realm stays', () => {
    const { x } = redactOne({
      responseHeaders: [
        { name: 'WWW-Authenticate', value: 'Negotiate oYG3MIG0oAMKAQChCwYJKoZIgvcSAQICooGfBIGc' },
        {
          name: 'WWW-Authenticate',
          value: 'Digest realm="r@x", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", qop="auth"',
        },
      ],
    });
    expect(x.responseHeaders[0]!.value).toMatch(/^Negotiate ‹h:[0-9a-f]{8}›$/);
    expect(x.responseHeaders[1]!.value).toMatch(
      /^Digest realm="r@x", nonce="‹h:[0-9a-f]{8}›", qop="auth"$/,
    );
  });

  it('the password of a Basic credential is learnt, so scrubText replaces it elsewhere', () => {
    const { r } = redactOne({
      requestHeaders: [{ name: 'Authorization', value: `Basic ${btoa('app:storezero-secret')}` }],
    });
    expect(scrubText('client_secret was storezero-secret', r)).toMatch(/was ‹h:[0-9a-f]{8}›$/);
  });

  it('extraNames apply to headers', () => {
    const { x } = redactOne(
      { requestHeaders: [{ name: 'X-Tenant', value: 'tenant-9' }] },
      { extraNames: ['x-tenant'] },
    );
    expect(x.requestHeaders[0]!.value).toMatch(HASH);
  });
});

describe('cookies', () => {
  it('Cookie: every value replaced, names and separators kept', () => {
    const { x } = redactOne({
      requestHeaders: [{ name: 'Cookie', value: 'sid=s1dValue123; theme=dark;_ga=GA1.2.3; flag' }],
    });
    expect(x.requestHeaders[0]!.value).toMatch(
      /^sid=‹h:[0-9a-f]{8}›; theme=‹h:[0-9a-f]{8}›;_ga=‹h:[0-9a-f]{8}›; ‹h:[0-9a-f]{8}›$/,
    );
  });

  it.each([
    [
      'sid=s1dValue123; Path=/; Secure; HttpOnly; SameSite=Lax',
      /^sid=‹h:[0-9a-f]{8}›; Path=\/; Secure; HttpOnly; SameSite=Lax$/,
    ],
    ['__Host-sid = s1dValue123 ;Max-Age=3600', /^__Host-sid = ‹h:[0-9a-f]{8}› ;Max-Age=3600$/],
    ['sid=; Path=/; Max-Age=0', /^sid=; Path=\/; Max-Age=0$/],
    [
      'sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      /^sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT$/,
    ],
  ])('Set-Cookie %s', (value, expected) => {
    const { x } = redactOne({ responseHeaders: [{ name: 'Set-Cookie', value }] });
    expect(x.responseHeaders[0]!.value).toMatch(expected);
  });

  it('a cookie path that holds a secret keeps its shape', () => {
    const uid = 'N6j5KwVLlL-3FpFajHD9KgAKJxWL';
    const { x } = redactOne({
      responseHeaders: [
        { name: 'Set-Cookie', value: `_interaction=${uid}; path=/interaction/${uid}; httponly` },
      ],
    });
    expect(x.responseHeaders[0]!.value).toMatch(
      /^_interaction=‹h:([0-9a-f]{8})›; path=\/interaction\/%E2%80%B9h%3A\1%E2%80%BA; httponly$/,
    );
  });

  it('cookie events: value replaced (an empty one stays empty), everything else kept', () => {
    const set = makeCookieEvent({
      cookie: { ...makeCookieEvent().cookie, value: 's1dValue123', expirationDate: 9 },
    });
    const removed = makeCookieEvent({
      removed: true,
      cause: 'expired',
      cookie: { ...makeCookieEvent().cookie, value: '' },
    });
    const [a, b] = redactEvents([set, removed]);
    expect(a).toEqual({ ...set, cookie: { ...set.cookie, value: expect.stringMatching(HASH) } });
    expect(b).toEqual(removed);
  });
});

describe('JWTs', () => {
  const token = jws({ sub: 'alice', nonce: 'n0nce-123456', sid: 'sid-123456', email: 'a@x' });
  const [h, p, s] = token.split('.') as [string, string, string];

  it('hashed: header and claims readable, signature gone, the token recognisable', () => {
    const { x } = redactOne({ url: `https://app.example/cb?nonce=n0nce-123456#id_token=${token}` });
    const url = new URL(x.url);
    const redacted = new URLSearchParams(url.hash.slice(1)).get('id_token')!;
    expect(isRedactedJwt(redacted)).toBe(true);
    const [h2, p2, s2] = redacted.split('.') as [string, string, string];
    expect(h2).toBe(h);
    expect(s2).toMatch(/^‹signature removed h:[0-9a-f]{8}›$/);
    expect(x.url).not.toContain(s);
    // Claims readable; nonce and sid replaced by the same marker as the nonce parameter.
    expect(segment(p2)).toEqual({
      sub: 'alice',
      nonce: url.searchParams.get('nonce'),
      sid: expect.stringMatching(HASH),
      email: 'a@x',
    });
  });

  it('removed: <header>.<payload>.‹signature removed›', () => {
    const { x } = redactOne(
      { url: `https://app.example/cb#id_token=${token}` },
      { profile: 'removed' },
    );
    const redacted = new URLSearchParams(new URL(x.url).hash.slice(1)).get('id_token')!;
    expect(redacted).toBe(`${h}.${redacted.split('.')[1]}.${SIGNATURE_REMOVED}`);
    expect(segment(redacted.split('.')[1]!)).toMatchObject({ sub: 'alice', nonce: REMOVED });
  });

  it('keepJwtSignatures keeps the token whole (it stays verifiable) and says so', () => {
    const { x, r } = redactOne(
      { url: `https://app.example/cb#id_token=${token}` },
      { keepJwtSignatures: true },
    );
    expect(x.url).toBe(`https://app.example/cb#id_token=${token}`);
    expect(r.report().jwtSignatures).toBe('kept');
  });

  it('a JWT anywhere: a parameter of any name, a cookie, free text', () => {
    const { x, body } = redactOne(
      {
        url: `https://as.example/authorize?login_hint=${token}`,
        requestHeaders: [{ name: 'Cookie', value: `jwt_session=${token}` }],
      },
      {},
      `<script>var t = "${token}";</script>`,
    );
    expect(JSON.stringify(x) + body).not.toContain(s);
    expect(new URL(x.url).searchParams.get('login_hint')).toMatch(
      /\.‹signature removed h:[0-9a-f]{8}›$/,
    );
    expect(body).toMatch(/var t = "eyJ[\w-]+\.eyJ[\w-]+\.‹signature removed h:[0-9a-f]{8}›";/);
  });

  it('the same token on two hops stays the same', () => {
    const r = redactor();
    const out = redactRecords(
      {
        exchanges: [
          makeExchange({ url: `https://app.example/cb#id_token=${token}` }),
          makeExchange({ url: `https://as.example/logout?id_token_hint=${token}` }),
        ],
        cookieEvents: [],
      },
      r,
    ).exchanges;
    const first = new URLSearchParams(new URL(out[0]!.url).hash.slice(1)).get('id_token');
    const second = new URL(out[1]!.url).searchParams.get('id_token_hint');
    expect(first).toBe(second);
  });

  it('a JWE is replaced wholly', () => {
    const { x } = redactOne({ url: `https://app.example/cb#id_token=${jwe()}` });
    expect(new URLSearchParams(new URL(x.url).hash.slice(1)).get('id_token')).toMatch(HASH);
  });

  it('an unsigned JWT has no signature to remove', () => {
    const unsigned = `${h}.${p}.`;
    const { x } = redactOne({ url: `https://app.example/cb?login_hint=${unsigned}` });
    expect(new URL(x.url).searchParams.get('login_hint')).toBe(unsigned);
  });

  it('a dotted base64 value without a JWT header (a Flask session) is replaced wholly', () => {
    const flask = 'eyJfcGVybWFuZW50Ijp0cnVlfQ.ZTx0Dg.aGVsbG8td29ybGQtc2lnbmF0dXJl';
    const { x } = redactOne({ requestHeaders: [{ name: 'Cookie', value: `session=${flask}` }] });
    expect(x.requestHeaders[0]!.value).toMatch(/^session=‹h:[0-9a-f]{8}›$/);
  });
});

describe('SAML', () => {
  it('SAMLRequest, SAMLResponse, RelayState, SAMLart and wresult are replaced wholly and counted', () => {
    const { x, r } = redactOne({
      url: 'https://idp.example/sso?SAMLRequest=fZJNT%2BMwEIb%2FSuS7m8RJSmM1lQo9&RelayState=%2Fapp%2Fhome&SigAlg=rsa-sha256&Signature=c2ln',
      method: 'POST',
      requestBody: {
        kind: 'form',
        fields: [
          ['SAMLResponse', 'PHNhbWxwOlJlc3BvbnNlIElEPSJfMSI+'],
          ['wresult', '<t:RequestSecurityTokenResponse/>'],
          ['SAMLart', 'AAQAAMFbLinlXaCM'],
        ],
      },
    });
    const url = new URL(x.url);
    expect(url.searchParams.get('SAMLRequest')).toMatch(HASH);
    expect(url.searchParams.get('RelayState')).toMatch(HASH);
    expect(url.searchParams.get('Signature')).toMatch(HASH);
    expect(url.searchParams.get('SigAlg')).toBe('rsa-sha256');
    expect(x.requestBody).toEqual({
      kind: 'form',
      fields: [
        ['SAMLResponse', expect.stringMatching(HASH)],
        ['wresult', expect.stringMatching(HASH)],
        ['SAMLart', expect.stringMatching(HASH)],
      ],
    });
    expect(r.report().counts.saml).toBe(4);
  });
});

describe('what is kept', () => {
  it('ids, method, status, types, timings, ip and error stay as they are', () => {
    const original = makeExchange({
      method: 'POST',
      status: 302,
      statusLine: 'HTTP/1.1 302 Found',
      hop: 2,
      requestId: 'r-7',
      type: 'main_frame',
      initiator: 'https://app.example',
      fromCache: false,
      ip: '127.0.0.1',
      error: 'net::ERR_ABORTED',
      timings: { start: 1, sent: 2, headersReceived: 3, end: 4 },
      url: `https://as.example/cb?code=${SECRET}`,
    });
    const { x } = redactOne(original);
    expect({ ...x, url: original.url }).toEqual(original);
  });

  it('members the model does not know are not copied into an export', () => {
    const x = { ...makeExchange(), debugDump: `password=${SECRET}` };
    const out = redactRecords({ exchanges: [x], cookieEvents: [] }, redactor()).exchanges[0]!;
    expect(out).not.toHaveProperty('debugDump');
  });

  it('redacting a redacted trace again changes nothing', () => {
    const exchanges = [
      makeExchange({
        url: `https://as.example/cb?code=${SECRET}#id_token=${jws({ nonce: 'n0nce-123456' })}`,
        requestHeaders: [{ name: 'Cookie', value: 'sid=s1dValue123' }],
        responseHeaders: [{ name: 'Set-Cookie', value: `sid=s1dValue123; path=/x/${SECRET}` }],
        requestBody: { kind: 'raw', text: 'opaque body', encoding: 'utf8', truncated: false },
      }),
    ];
    const once = redactRecords({ exchanges, cookieEvents: [] }, redactor());
    const twice = redactRecords(once, redactor());
    expect(twice).toEqual(once);
    expect(isRedacted(new URL(once.exchanges[0]!.url).searchParams.get('code')!)).toBe(true);
  });
});

describe('scrubText', () => {
  it('replaces every known secret, longest first, in raw, URL-, JSON- and HTML-encoded forms', () => {
    const r = redactor();
    const short = r.value('param', 'abcd1234');
    const long = r.value('param', 'abcd1234efgh');
    const slashy = r.value('param', 'a/b+c=d1');
    const text = [
      'abcd1234efgh',
      'abcd1234',
      encodeURIComponent('a/b+c=d1'),
      encodeURIComponent(encodeURIComponent('a/b+c=d1')),
      'a\\/b+c=d1',
      'a/b+c&#x3D;d1',
      'a/b+c=d1',
    ].join(' | ');
    expect(scrubText(text, r)).toBe(
      [
        long,
        short,
        encodeURIComponent(slashy),
        encodeURIComponent(encodeURIComponent(slashy)),
        slashy,
        slashy,
        slashy,
      ].join(' | '),
    );
  });

  it('leaves values under 4 characters and word-like cookie values alone', () => {
    const r = redactor();
    r.value('param', 'abc');
    r.value('cookie', 'dark');
    r.value('cookie', 'true');
    r.value('cookie', 'Gx9KQE8I0VtJV33w');
    expect(scrubText('abc dark true Gx9KQE8I0VtJV33w', r)).toMatch(
      /^abc dark true ‹h:[0-9a-f]{8}›$/,
    );
  });

  it('replaces secret name=value pairs and JWT signatures even when unknown', () => {
    const token = jws({ sub: 'a' });
    expect(scrubText(`GET /cb?code=unkn0wn-code&iss=x then ${token}.`, redactor())).toMatch(
      /^GET \/cb\?code=‹h:[0-9a-f]{8}›&iss=x then eyJ[\w-]+\.eyJ[\w-]+\.‹signature removed h:[0-9a-f]{8}›\.$/,
    );
  });

  it('is the identity with the none profile', () => {
    const r = createRedactor({ profile: 'none' });
    r.value('param', SECRET);
    expect(scrubText(`x ${SECRET} y`, r)).toBe(`x ${SECRET} y`);
  });
});

describe('URL userinfo', () => {
  it('the password of user:password@host is replaced, the user stays', () => {
    const { x } = redactOne({ url: 'https://bob:hunter2-pass@proxy.example/path?x=1' });
    expect(x.url).toMatch(
      /^https:\/\/bob:%E2%80%B9h%3A[0-9a-f]{8}%E2%80%BA@proxy\.example\/path\?x=1$/,
    );
    expect(new URL(x.url).hostname).toBe('proxy.example');
  });
});
