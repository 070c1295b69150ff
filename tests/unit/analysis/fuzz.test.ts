import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '@/lib/analysis/analyze';
import { createIncrementalAnalyzer } from '@/lib/analysis/incremental';
import type { Exchange } from '@/lib/model';
import { TrafficBuilder } from '../../helpers/flow-builder';

// analyze() over random and mutated traffic never throws and always returns the contract's
// shape. A failing input is saved under tests/fixtures/fuzz/ (FUZZ_SAVE=1) and replayed forever.
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 2000);
const FIXTURES = 'tests/fixtures/fuzz';

function baseline(): Exchange[] {
  const t = new TrafficBuilder();
  const authorize =
    'https://as.example/authorize?response_type=code%20id_token&client_id=c&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s&nonce=n&scope=openid&code_challenge=x&code_challenge_method=S256';
  t.go('GET', 'https://app.example/login', { redirect: authorize });
  t.go('GET', authorize, {
    redirect: 'https://as.example/login',
    setCookies: ['tx=1; Path=/login'],
  });
  t.go('GET', 'https://as.example/login');
  t.go('POST', 'https://as.example/login', {
    newRequest: true,
    form: { password: 'p' },
    redirect:
      'https://app.example/cb#code=k&state=s&id_token=eyJhbGciOiJSUzI1NiJ9.eyJub25jZSI6Im4ifQ.c2ln',
    setCookies: ['sess=1; Path=/; HttpOnly; Secure; SameSite=None'],
  });
  t.go('GET', 'https://app.example/cb', { setCookies: ['app=1; Path=/; HttpOnly; Secure'] });
  t.go('GET', 'https://idp.example/sso?SAMLRequest=fZBBa4QwEIX%2FStg7&RelayState=r', {
    newRequest: true,
  });
  t.go(
    'GET',
    'https://as.example/session/end?id_token_hint=a.b&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F',
    { newRequest: true, redirect: 'https://evil.example/' },
  );
  return t.exchanges;
}

const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '',
    '%',
    '%ZZ',
    '#',
    '?',
    '&&==',
    'eyJ.eyJ.',
    'a.b.c.d',
    '<x>',
    '\u0000',
    'http://',
    '://',
    'https://as.example/authorize?client_id=&response_type=',
  ),
);

interface Mutation {
  index: number;
  field: string;
  value: string;
  number: number;
}

/** One mutation of one hop: a field replaced by something odd. */
const mutation = fc.record({
  index: fc.nat(),
  field: fc.constantFrom(
    'url',
    'redirectUrl',
    'method',
    'status',
    'header',
    'cookie',
    'setCookie',
    'body',
    'type',
    'tabId',
    'startedAt',
    'drop',
    'duplicate',
  ),
  value: hostileString,
  number: fc.oneof(fc.integer(), fc.constantFrom(0, -1, 999, Number.MAX_SAFE_INTEGER)),
});

function mutate(exchanges: Exchange[], mutations: Mutation[]): Exchange[] {
  const out = exchanges.map((e) => structuredClone(e));
  for (const m of mutations) {
    if (out.length === 0) break;
    const i = m.index % out.length;
    const e = out[i] as Exchange;
    switch (m.field) {
      case 'url':
        e.url = m.value;
        break;
      case 'redirectUrl':
        e.redirectUrl = m.value;
        break;
      case 'method':
        e.method = m.value;
        break;
      case 'status':
        e.status = m.number;
        break;
      case 'header':
        e.responseHeaders.push({ name: m.value, value: m.value });
        break;
      case 'cookie':
        e.requestHeaders.push({ name: 'Cookie', value: m.value });
        break;
      case 'setCookie':
        e.responseHeaders.push({ name: 'Set-Cookie', value: m.value });
        break;
      case 'body':
        e.requestBody = { kind: 'raw', text: m.value, encoding: 'utf8', truncated: false };
        break;
      case 'type':
        e.type = m.value;
        break;
      case 'tabId':
        e.tabId = m.number;
        break;
      case 'startedAt':
        e.startedAt = m.number;
        break;
      case 'drop':
        out.splice(i, 1);
        break;
      case 'duplicate':
        out.push({ ...structuredClone(e), id: `${e.id}-dup` });
        break;
    }
  }
  return out;
}

function check(exchanges: Exchange[]): void {
  const analysis = analyze({ exchanges, now: 0 });
  expect(analysis.version).toBe(1);
  for (const flow of analysis.flows) {
    expect(flow.exchangeIds.length).toBeGreaterThan(0);
    expect(Array.isArray(flow.narrative)).toBe(true);
  }
  // The panel's incremental analyzer, fed the same traffic in two parts, ends with the same.
  const incremental = createIncrementalAnalyzer();
  const half = Math.floor(exchanges.length / 2);
  incremental.analyze({ exchanges: exchanges.slice(0, half), now: 0 });
  expect(incremental.analyze({ exchanges, now: 0 })).toStrictEqual(analysis);
}

// Thousands of generated cases: time enough on a shared 2-core machine, and an hour for npm run fuzz.
describe(
  'analyze() under fuzzing',
  { timeout: process.env['FUZZ_RUNS'] ? 3_600_000 : 120_000 },
  () => {
    it('never throws on mutated login traffic', () => {
      const base = baseline();
      fc.assert(
        fc.property(fc.array(mutation, { maxLength: 8 }), (mutations) => {
          const input = mutate(base, mutations);
          try {
            check(input);
          } catch (error) {
            if (process.env['FUZZ_SAVE']) {
              mkdirSync(FIXTURES, { recursive: true });
              writeFileSync(
                path.join(FIXTURES, `analyze-${Date.now()}.json`),
                JSON.stringify(input),
              );
            }
            throw error;
          }
        }),
        { numRuns: RUNS },
      );
    });

    it('replays every saved failing input', () => {
      const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
      for (const file of files)
        check(JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as Exchange[]);
      expect(files.length).toBeGreaterThanOrEqual(0);
    });
  },
);
