import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, redactRecords, type RedactionProfile } from '@/lib/io/redact';
import type { CookieEvent, Exchange, Header, RequestBody } from '@/lib/model';
import { makeCookieEvent, makeExchange } from '@/tests/helpers/factories';
import { jws } from './helpers';

/**
 * Random traces with random secrets planted in random places: after redaction with 'hashed' or
 * 'removed', no planted secret appears anywhere. FUZZ_RUNS sets the number of runs (500).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
/** Generous: a loaded CI machine runs this several times slower than a laptop. */
const TIMEOUT = Math.max(60_000, RUNS * 100);

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
const word = fc.constantFrom(...WORDS);
const host = fc.constantFrom('app.example', 'auth.example', 'idp.example', 'sp.example');
/** A secret: token characters, at least one letter and one digit (no filler contains a digit). */
const secret = fc
  .stringMatching(/^[A-Za-z0-9_-]{10,32}$/)
  .filter((s) => /\d/.test(s) && /[A-Za-z]/.test(s) && !s.startsWith('ey'));
const secretName = fc.constantFrom(
  'code',
  'state',
  'nonce',
  'code_verifier',
  'code_challenge',
  'client_secret',
  'password',
  'Password',
  'access_token',
  'refresh_token',
  'id_token',
  'id_token_hint',
  'logout_token',
  'assertion',
  'client_assertion',
  'SAMLRequest',
  'SAMLResponse',
  'RelayState',
  'Signature',
  'wresult',
  'wctx',
  'session_state',
  'sid',
  'token',
  'secret',
  'request',
  'api_key',
  'csrf_token',
  'magic_field', // an extra name of the export
);
const anyName = fc.oneof(
  secretName,
  fc.constantFrom('username', 'remember', 'lang', 'mode', 'email'),
);
const secretHeader = fc.constantFrom(
  'Authorization',
  'Proxy-Authorization',
  'X-Api-Key',
  'X-CSRF-Token',
  'X-XSRF-Token',
  'X-Auth-Token',
  'X-Session',
  'Api-Key',
  'X-Client-Secret',
);
const cookieName = fc.constantFrom(
  'sid',
  '_session',
  '_session.sig',
  'theme',
  'connect.sid',
  '__Host-x',
);
const BODY_KINDS = ['form', 'json', 'urlencoded', 'raw', 'none'] as const;

type Place =
  | { at: 'query' | 'fragment' | 'redirect' | 'location' | 'referer'; name: string }
  | { at: 'body'; name: string; jsonName: string }
  | { at: 'cookie' | 'set-cookie' | 'jar'; name: string }
  | { at: 'header'; name: string; bearer: boolean }
  | { at: 'response-json'; name: string; nested: boolean }
  | { at: 'html-input'; name: string }
  | {
      at: 'jwt';
      where: 'query' | 'fragment' | 'loose-param' | 'bearer' | 'response-json' | 'html' | 'cookie';
    }
  | { at: 'echo'; where: 'path' | 'html' | 'cookie-path' | 'header' };

const place: fc.Arbitrary<Place> = fc.oneof(
  fc.record({
    at: fc.constantFrom('query', 'fragment', 'redirect', 'location', 'referer'),
    name: secretName,
  }),
  fc.record({ at: fc.constant('body'), name: anyName, jsonName: secretName }),
  fc.record({ at: fc.constantFrom('cookie', 'set-cookie', 'jar'), name: cookieName }),
  fc.record({ at: fc.constant('header'), name: secretHeader, bearer: fc.boolean() }),
  fc.record({ at: fc.constant('response-json'), name: secretName, nested: fc.boolean() }),
  fc.record({ at: fc.constant('html-input'), name: secretName }),
  fc.record({
    at: fc.constant('jwt'),
    where: fc.constantFrom(
      'query',
      'fragment',
      'loose-param',
      'bearer',
      'response-json',
      'html',
      'cookie',
    ),
  }),
) as fc.Arbitrary<Place>;
const echo: fc.Arbitrary<Place> = fc.record({
  at: fc.constant('echo'),
  where: fc.constantFrom('path', 'html', 'cookie-path', 'header'),
}) as fc.Arbitrary<Place>;

interface Draft {
  host: string;
  path: string[];
  query: [string, string][];
  fragment: [string, string][];
  redirect: [string, string][];
  location: [string, string][];
  referer: [string, string][];
  cookies: [string, string][];
  setCookies: string[];
  headers: Header[];
  body: [string, string][];
  bodyKind: (typeof BODY_KINDS)[number];
  responseJson: Record<string, unknown>;
  html: string[];
}

interface Planted {
  secrets: string[];
  exchanges: Exchange[];
  cookieEvents: CookieEvent[];
  responseBodies: Record<string, string>;
}

const trace: fc.Arbitrary<Planted> = fc
  .record({
    secrets: fc.uniqueArray(secret, { minLength: 1, maxLength: 6 }),
    hosts: fc.array(host, { minLength: 1, maxLength: 4 }),
    bodyKinds: fc.array(fc.constantFrom(...BODY_KINDS), { minLength: 4, maxLength: 4 }),
    placements: fc.array(fc.tuple(place, fc.nat(), fc.nat()), { minLength: 0, maxLength: 12 }),
    echoes: fc.array(fc.tuple(echo, fc.nat(), fc.nat()), { maxLength: 4 }),
    first: fc.array(place, { minLength: 6, maxLength: 6 }),
    filler: fc.array(fc.tuple(word, word), { maxLength: 3 }),
    claims: fc.record({ sub: word, iat: fc.nat(), name: word }),
  })
  .map(({ secrets, hosts, bodyKinds, placements, echoes, first, filler, claims }) => {
    const drafts: Draft[] = hosts.map((h, i) => ({
      host: h,
      path: [WORDS[i % WORDS.length]!],
      query: [...filler],
      fragment: [],
      redirect: [],
      location: [],
      referer: [],
      cookies: [],
      setCookies: [],
      headers: [{ name: 'User-Agent', value: 'Mozilla/5.0 (X11; Linux x86_64)' }],
      body: [],
      bodyKind: bodyKinds[i] ?? 'none',
      responseJson: {},
      html: [],
    }));
    const jar: [string, string][] = [];
    const all: [Place, number, number][] = [
      // Every secret is planted at least once in a place that is secret by itself...
      ...secrets.map((_, s): [Place, number, number] => [first[s]!, s, s]),
      ...placements,
      // ...so that echoes of it elsewhere are of a known secret.
      ...echoes,
    ];
    for (const [p, s, e] of all) {
      const value = secrets[s % secrets.length]!;
      const d = drafts[e % drafts.length]!;
      plant(d, p, value, jar, claims);
    }
    const exchanges: Exchange[] = [];
    const responseBodies: Record<string, string> = {};
    for (const d of drafts) {
      const x = toExchange(d);
      exchanges.push(x);
      if (d.html.length)
        responseBodies[x.id] = `<html><body>\n${d.html.join('\n')}\n</body></html>`;
      if (Object.keys(d.responseJson).length) {
        // A JSON response of its own (an XHR to the token endpoint).
        const xhr = makeExchange({ url: `https://${d.host}/token`, type: 'xmlhttprequest' });
        exchanges.push(xhr);
        responseBodies[xhr.id] = JSON.stringify(d.responseJson);
      }
    }
    const cookieEvents = jar.map(([name, value]) =>
      makeCookieEvent({ cookie: { ...makeCookieEvent().cookie, name, value } }),
    );
    return { secrets, exchanges, cookieEvents, responseBodies };
  });

function plant(
  d: Draft,
  p: Place,
  value: string,
  jar: [string, string][],
  claims: Record<string, unknown>,
): void {
  switch (p.at) {
    case 'query':
    case 'fragment':
    case 'redirect':
    case 'location':
    case 'referer':
      d[p.at].push([p.name, value]);
      return;
    case 'body':
      d.body.push([d.bodyKind === 'json' ? p.jsonName : p.name, value]);
      if (d.bodyKind === 'none') d.bodyKind = 'form';
      return;
    case 'cookie':
      d.cookies.push([p.name, value]);
      return;
    case 'set-cookie':
      d.setCookies.push(`${p.name}=${value}; Path=/; HttpOnly; SameSite=Lax`);
      return;
    case 'jar':
      jar.push([p.name, value]);
      return;
    case 'header':
      d.headers.push({ name: p.name, value: p.bearer ? `Bearer ${value}` : value });
      return;
    case 'response-json':
      addJson(d, p.name, value, p.nested);
      return;
    case 'html-input':
      d.html.push(`<input type="hidden" name="${p.name}" value="${value}">`);
      return;
    case 'jwt': {
      const token = jws(claims, value);
      if (p.where === 'query') d.query.push(['id_token_hint', token]);
      else if (p.where === 'fragment') d.fragment.push(['id_token', token]);
      else if (p.where === 'loose-param') d.query.push(['login_hint', token]);
      else if (p.where === 'bearer')
        d.headers.push({ name: 'Authorization', value: `Bearer ${token}` });
      else if (p.where === 'response-json') addJson(d, 'id_token', token, false);
      else if (p.where === 'html') d.html.push(`<script>var token = '${token}';</script>`);
      else d.cookies.push(['jwt', token]);
      return;
    }
    case 'echo':
      if (p.where === 'path') d.path.push(value);
      else if (p.where === 'html') d.html.push(`<p>Your code is ${value}.</p>`);
      else if (p.where === 'cookie-path') d.setCookies.push(`tx=; Path=/cb/${value}; Max-Age=0`);
      else d.headers.push({ name: 'X-Debug', value: `request ${value} done` });
      return;
  }
}

/** A value under a secret key of the JSON response, never overwriting an earlier one. */
function addJson(d: Draft, name: string, value: string, nested: boolean): void {
  if (nested || name in d.responseJson) {
    const data = (d.responseJson.data ??= { list: [] }) as { list: unknown[] };
    data.list.push({ [name]: value });
  } else {
    d.responseJson[name] = value;
  }
}

const qs = (pairs: [string, string][]) =>
  pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');

function toExchange(d: Draft): Exchange {
  const base = `https://${d.host}/${d.path.join('/')}`;
  const url =
    base +
    (d.query.length ? `?${qs(d.query)}` : '') +
    (d.fragment.length ? `#${qs(d.fragment)}` : '');
  const requestHeaders = [...d.headers];
  if (d.cookies.length) {
    requestHeaders.push({
      name: 'Cookie',
      value: d.cookies.map(([n, v]) => `${n}=${v}`).join('; '),
    });
  }
  if (d.referer.length)
    requestHeaders.push({ name: 'Referer', value: `https://app.example/?${qs(d.referer)}` });
  const responseHeaders: Header[] = d.setCookies.map((value) => ({ name: 'Set-Cookie', value }));
  if (d.location.length)
    responseHeaders.push({ name: 'Location', value: `/next?${qs(d.location)}` });
  let requestBody: RequestBody | undefined;
  if (d.body.length) {
    if (d.bodyKind === 'form') requestBody = { kind: 'form', fields: d.body };
    else if (d.bodyKind === 'json') {
      requestHeaders.push({ name: 'Content-Type', value: 'application/json' });
      requestBody = {
        kind: 'raw',
        text: JSON.stringify({ mode: 'alpha', fields: d.body.map(([n, v]) => ({ [n]: v })) }),
        encoding: 'utf8',
        truncated: false,
      };
    } else if (d.bodyKind === 'urlencoded') {
      requestBody = { kind: 'raw', text: qs(d.body), encoding: 'utf8', truncated: false };
    } else {
      requestBody = {
        kind: 'raw',
        text: d.body.map(([, v]) => `<<${v}>>`).join(' '),
        encoding: 'utf8',
        truncated: false,
      };
    }
  }
  const x = makeExchange({
    url,
    method: requestBody ? 'POST' : 'GET',
    requestHeaders,
    responseHeaders,
    status: d.redirect.length || d.location.length ? 302 : 200,
  });
  if (requestBody) x.requestBody = requestBody;
  if (d.redirect.length) x.redirectUrl = `https://app.example/cb#${qs(d.redirect)}`;
  return x;
}

const EXTRA = ['magic_field'];

// Thousands of generated cases: time enough on a shared 2-core machine, and an hour for npm run fuzz.
describe(
  'property: no planted secret survives redaction',
  { timeout: process.env['FUZZ_RUNS'] ? 3_600_000 : 120_000 },
  () => {
    it.each<RedactionProfile>(['hashed', 'removed'])(
      '%s',
      (profile) => {
        fc.assert(
          fc.property(trace, (t) => {
            const redactor = createRedactor({ profile, extraNames: EXTRA });
            const out = redactRecords(t, redactor);
            const json = JSON.stringify(out);
            const leaked = t.secrets.filter((s) => json.includes(s));
            expect(leaked).toEqual([]);
            // URLs still parse, and ids, methods and statuses are kept.
            out.exchanges.forEach((x, i) => {
              expect(() => new URL(x.url)).not.toThrow();
              if (x.redirectUrl) expect(() => new URL(x.redirectUrl!)).not.toThrow();
              const original = t.exchanges[i]!;
              expect([x.id, x.method, x.status, x.timings]).toEqual([
                original.id,
                original.method,
                original.status,
                original.timings,
              ]);
            });
          }),
          { numRuns: RUNS },
        );
      },
      TIMEOUT,
    );

    it(
      "'none' leaves the records as they are",
      () => {
        fc.assert(
          fc.property(trace, (t) => {
            const out = redactRecords(t, createRedactor({ profile: 'none', extraNames: EXTRA }));
            expect(out).toEqual({
              exchanges: t.exchanges,
              cookieEvents: t.cookieEvents,
              responseBodies: t.responseBodies,
            });
          }),
          { numRuns: Math.ceil(RUNS / 5) },
        );
      },
      TIMEOUT,
    );

    it(
      'redacting twice with the same key is redacting once',
      () => {
        fc.assert(
          fc.property(trace, (t) => {
            const options = { profile: 'hashed', key: 'k', extraNames: EXTRA } as const;
            const once = redactRecords(t, createRedactor(options));
            expect(redactRecords(once, createRedactor(options))).toEqual(once);
          }),
          { numRuns: Math.ceil(RUNS / 5) },
        );
      },
      TIMEOUT,
    );
  },
);
