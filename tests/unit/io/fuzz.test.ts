import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionTracerError } from '@/lib/errors';
import { importAny } from '@/lib/io/detect';
import { importHar } from '@/lib/io/har';
import { importSamlTracer } from '@/lib/io/saml-tracer';
import { importTrace, serializeTrace } from '@/lib/io/trace';
import type { ImportResult } from '@/lib/io/types';
import { makeCookieEvent, makeExchange } from '@/tests/helpers/factories';
import { fixtureText, harEntry, harText } from './fixtures';

type Importer = (text: string) => ImportResult;
const IMPORTERS: [string, Importer][] = [
  ['importAny', (text) => importAny(text)],
  ['importHar', (text) => importHar(text)],
  ['importSamlTracer', (text) => importSamlTracer(text)],
  ['importTrace', (text) => importTrace(text)],
];

/** Runs the import; a SessionTracerError is an accepted outcome, anything else fails. */
function importOrReject(importer: Importer, text: string): ImportResult | undefined {
  try {
    return importer(text);
  } catch (error) {
    if (error instanceof SessionTracerError) {
      expect(error.message).not.toBe('');
      return undefined;
    }
    throw error;
  }
}

/** What every successful import must hold: records a trace can carry unchanged. */
function checkResult(result: ImportResult): void {
  const ids = result.exchanges.map((x) => x.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const x of result.exchanges) {
    expect(x.requestHeaders.concat(x.responseHeaders).some((h) => h.name.startsWith(':'))).toBe(
      false,
    );
    expect(Number.isInteger(x.status) && x.status >= 0).toBe(true);
  }
  for (const id of Object.keys(result.responseBodies)) expect(ids).toContain(id);
  const again = importTrace(
    serializeTrace(result.exchanges, result.cookieEvents, { exportedAt: 0 }),
  );
  expect(again.exchanges).toEqual(result.exchanges);
}

/** FUZZ_RUNS scales every campaign (npm run fuzz sets 100,000 for the largest). */
const scale = Number(process.env['FUZZ_RUNS'] ?? 2000) / 2000;
const runs = (base: number) => Math.max(10, Math.round(base * scale));

type Path = (string | number)[];
function pathsOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...path, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], out);
  }
  return out;
}

type Mutation = { pick: number; action: 'delete' | 'set' | 'wrap'; value: unknown };
function mutate(doc: unknown, mutations: Mutation[]): unknown {
  let root: unknown = structuredClone(doc);
  for (const { pick, action, value } of mutations) {
    const paths = pathsOf(root);
    const path = paths[pick % paths.length] ?? [];
    if (path.length === 0) {
      root = action === 'wrap' ? [root] : structuredClone(value);
      continue;
    }
    const parent = path
      .slice(0, -1)
      .reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root) as
      Record<string | number, unknown> | unknown[];
    const key = path[path.length - 1] as string | number;
    const current = (parent as Record<string | number, unknown>)[key];
    if (action === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as Record<string, unknown>)[key];
    } else {
      // A copy: setting the same generated object twice must not make the document cyclic
      // (no file can hold a cycle; a 100,000-case run found that harness bug).
      (parent as Record<string | number, unknown>)[key] =
        action === 'wrap' ? [current] : structuredClone(value);
    }
  }
  return root;
}

const tricky = fc.constantFrom<unknown>(
  null,
  '',
  0,
  -1,
  1e308,
  -1e308,
  0.5,
  true,
  [],
  {},
  [[]],
  [null],
  [{}],
  'constructor',
  '__proto__',
  'toString',
  '::',
  ':authority',
  'set-cookie',
  'a=1\nb=2',
  '\n\n',
  'base64',
  '***',
  'https://',
  '/relative',
  'http://[::1',
  '2024-13-45T99:99:99Z',
  '9999-12-31T23:59:59.999999999+14:00',
  '{overwritten}',
  '{hash:3e60d7c29a3dc8faacad13f11fcf8deb74b377842cbe0b4de558a51c675eaf45}',
  { name: 'Set-Cookie', value: 'x=1\ny=2' },
  { name: ':method', value: 'GET' },
  { name: 1, value: [] },
  ['Location', '#frag'],
  { mimeType: 'application/x-www-form-urlencoded', text: '%%%=&&=' },
  { mimeType: 'text/plain', encoding: 'base64', text: '////' },
);
const mutationArb = fc.array(
  fc.record({
    pick: fc.nat(),
    action: fc.constantFrom<Mutation['action']>('delete', 'set', 'set', 'wrap'),
    value: fc.oneof(tricky, fc.jsonValue({ maxDepth: 2 })),
  }),
  { minLength: 1, maxLength: 4 },
);

function richHar(): unknown {
  return JSON.parse(
    harText(
      [
        harEntry({
          pageref: 'page_1',
          _resourceType: 'document',
          request: {
            method: 'POST',
            url: 'https://auth.example/login?x=1',
            headers: [
              { name: ':authority', value: 'auth.example' },
              { name: 'Cookie', value: 'a=1; b=c=d' },
            ],
            cookies: [{ name: 'a', value: '1' }],
            postData: {
              mimeType: 'application/x-www-form-urlencoded',
              params: [{ name: 'code', value: 'x' }],
              text: 'code=x&state=y',
            },
          },
          response: {
            status: 302,
            headers: [
              { name: 'Location', value: '/cb#id_token=1' },
              { name: 'Set-Cookie', value: 's=1; Path=/\nt=2' },
            ],
            content: { mimeType: 'application/json', encoding: 'base64', text: btoa('{"a":1}') },
            redirectURL: '',
          },
          timings: { blocked: 1, dns: -1, connect: 2, send: 1, wait: 3, receive: 4 },
          _initiator: { type: 'script', url: 'https://app.example/' },
        }),
        harEntry({
          pageref: 'page_1',
          request: { url: 'https://auth.example/cb', postData: { mimeType: '', text: '' } },
          response: { content: { mimeType: 'text/html', text: '<form></form>' } },
        }),
      ],
      { pages: [{ id: 'page_1' }] },
    ),
  );
}

const HAR_BASES = [
  richHar(),
  JSON.parse(fixtureText('auth0-login-firefox118.har')) as unknown,
  JSON.parse(fixtureText('zap-firebug-ff36-lf-setcookie.har')) as unknown,
];
const SAML_BASE = JSON.parse(fixtureText('samltracer-gen-sp-initiated-mask.json')) as unknown;
const TRACE_BASE = JSON.parse(
  serializeTrace(
    [
      makeExchange({
        requestBody: { kind: 'form', fields: [['a', 'b']] },
        redirectUrl: 'https://x/',
        timings: { start: 1, end: 2 },
      }),
      makeExchange({ requestBody: { kind: 'raw', text: 'x', encoding: 'utf8', truncated: false } }),
    ],
    [makeCookieEvent()],
    { exportedAt: 0, analysis: { version: 1 } },
  ),
) as unknown;

// Thousands of generated cases: time enough on a shared 2-core machine, and an hour for npm run fuzz.
describe(
  'importers never throw anything but a SessionTracerError',
  { timeout: process.env['FUZZ_RUNS'] ? 3_600_000 : 120_000 },
  () => {
    it('on random JSON values (every importer)', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const text = JSON.stringify(value) ?? 'null';
          for (const [, importer] of IMPORTERS) {
            const result = importOrReject(importer, text);
            if (result) checkResult(result);
          }
        }),
        { numRuns: runs(500) },
      );
    });

    it('on random objects shaped a little like each format', () => {
      const loose = fc.jsonValue({ maxDepth: 3 });
      const shaped = fc.oneof(
        fc.record({ log: fc.record({ entries: fc.array(loose, { maxLength: 3 }), pages: loose }) }),
        fc.record({
          log: fc.record({
            entries: fc.array(
              fc.record({
                request: fc.dictionary(
                  fc.constantFrom('url', 'method', 'headers', 'postData'),
                  loose,
                ),
                response: loose,
              }),
              { maxLength: 3 },
            ),
          }),
        }),
        fc.record({ requests: fc.array(loose, { maxLength: 3 }), timestamp: loose }),
        fc.record({
          format: fc.constant('session-tracer-trace'),
          version: fc.constant(1),
          exportedAt: fc.constant('2024-01-01T00:00:00Z'),
          exchanges: fc.array(loose, { maxLength: 2 }),
          cookieEvents: fc.array(loose, { maxLength: 2 }),
        }),
      );
      fc.assert(
        fc.property(shaped, (value) => {
          const result = importOrReject(IMPORTERS[0]![1], JSON.stringify(value));
          if (result) checkResult(result);
        }),
        { numRuns: runs(500) },
      );
    });

    it('on mutated valid HARs (2000 cases)', () => {
      fc.assert(
        fc.property(fc.nat(HAR_BASES.length - 1), mutationArb, (base, mutations) => {
          const text = JSON.stringify(mutate(HAR_BASES[base], mutations)) ?? 'null';
          const result = importOrReject(IMPORTERS[0]![1], text);
          if (result) checkResult(result);
          importOrReject(IMPORTERS[1]![1], text);
        }),
        { numRuns: runs(2000) },
      );
    });

    it('on mutated SAML-tracer exports and traces', () => {
      fc.assert(
        fc.property(fc.boolean(), mutationArb, (saml, mutations) => {
          const text = JSON.stringify(mutate(saml ? SAML_BASE : TRACE_BASE, mutations)) ?? 'null';
          const result = importOrReject(IMPORTERS[0]![1], text);
          if (result) checkResult(result);
          importOrReject(saml ? IMPORTERS[2]![1] : IMPORTERS[3]![1], text);
        }),
        { numRuns: runs(1000) },
      );
    });

    it('on cut and spliced text of a real file', () => {
      const text = fixtureText('mitmproxy-chrome114-postdata-bom.har');
      fc.assert(
        fc.property(fc.nat(text.length), fc.nat(text.length), fc.string(), (a, b, insert) => {
          const spliced = text.slice(0, Math.min(a, b)) + insert + text.slice(Math.max(a, b));
          for (const [, importer] of IMPORTERS) importOrReject(importer, spliced);
        }),
        { numRuns: runs(300) },
      );
    });
  },
);
