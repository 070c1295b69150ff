import { describe, expect, it } from 'vitest';
import { analyze } from '@/lib/analysis/analyze';
import { ANALYSIS_VERSION, type Analysis, type Flow } from '@/lib/analysis/types';
import { redactAnalysis, redactRecords } from '@/lib/io/redact';
import { HASH, jws, redactor } from './helpers';
import { labHars } from './lab-secrets';

const NOW = Date.parse('2026-12-01T00:00:00Z');

describe('redactAnalysis on a lab trace', () => {
  const logout = labHars().find((h) => h.name === 'logout.har')!.result;
  const analysis = analyze({ ...logout, now: NOW });
  const r = redactor();
  const records = redactRecords(logout, r);
  const safe = redactAnalysis(analysis, r);
  const tokens = (a: Analysis) => a.flows.flatMap((f) => f.tokens);

  it('the lab trace has a decoded id_token with a raw form and a nonce', () => {
    expect(tokens(analysis).length).toBeGreaterThan(0);
    expect(tokens(analysis)[0]).toMatchObject({
      raw: expect.any(String),
      claims: { nonce: expect.any(String) },
    });
  });

  it('tokens lose raw, keep their header and readable claims', () => {
    expect(tokens(safe).length).toBe(tokens(analysis).length);
    tokens(safe).forEach((token, i) => {
      const before = tokens(analysis)[i]!;
      expect(token).not.toHaveProperty('raw');
      expect(token.header).toEqual(before.header);
      expect(token.claims.sub).toBe(before.claims.sub);
      expect(token.claims.email).toBe(before.claims.email);
      expect(token.claims.exp).toBe(before.claims.exp);
      expect([token.kind, token.format, token.exchangeId, token.verification]).toEqual([
        before.kind,
        before.format,
        before.exchangeId,
        before.verification,
      ]);
    });
  });

  it('the nonce claim is replaced by the same marker as the nonce parameter of the records', () => {
    const nonces = records.exchanges.flatMap((x) => {
      const n = new URL(x.url).searchParams.get('nonce');
      return n ? [n] : [];
    });
    for (const token of tokens(safe)) {
      expect(token.claims.nonce).toMatch(HASH);
      expect(nonces).toContain(token.claims.nonce);
    }
  });

  it('flows, steps, tiers and diagnostics keep their shape, ids and vocabulary', () => {
    const shape = (a: Analysis) =>
      a.flows.map((f) => ({
        id: f.id,
        kind: f.kind,
        outcome: f.outcome,
        exchangeIds: f.exchangeIds,
        steps: f.steps.map((s) => [s.exchangeId, s.from, s.to]),
        tiers: f.tiers.map((t) => [
          t.origin,
          t.role,
          t.sessionCookies.map((c) => [c.name, c.change]),
        ]),
        diagnostics: f.diagnostics.map((d) => [d.id, d.severity, d.exchangeIds, d.reference]),
        narrative: f.narrative.length,
      }));
    expect(shape(safe)).toEqual(shape(analysis));
    expect(safe.source).toEqual(analysis.source);
    expect(safe.version).toBe(analysis.version);
  });

  it('does not change the analysis it was given', () => {
    expect(tokens(analysis)[0]!.raw).toEqual(expect.any(String));
  });
});

describe('redactAnalysis on hand-made text', () => {
  const code = 'c0de-5ecret-1234';
  const token = jws({ sub: 'alice', sid: 'sess-1d-98765' });
  const flow: Flow = {
    id: 'f1',
    kind: 'interactive-login',
    protocol: 'oidc',
    outcome: 'error',
    start: 1,
    end: 2,
    parties: [{ origin: 'https://app.example', role: 'app', label: 'App' }],
    steps: [
      {
        exchangeId: 'x1',
        from: 'browser',
        to: 'https://app.example',
        summary: `GET /cb?code=${code}&state=st4te-5ecret`,
      },
    ],
    tiers: [
      {
        origin: 'https://app.example',
        role: 'app',
        sessionCookies: [
          {
            name: 'sid',
            change: 'created',
            exchangeId: 'x1',
            attributes: { secure: true, httpOnly: true, size: 20, path: `/cb/${code}` },
          },
        ],
      },
    ],
    tokens: [
      {
        kind: 'id_token',
        format: 'jws',
        exchangeId: 'x1',
        location: 'fragment',
        name: 'id_token',
        header: { alg: 'RS256', kid: 'k1' },
        claims: { sub: 'alice', sid: 'sess-1d-98765', at_hash: 'not-a-secret' },
        verification: 'unverified',
        raw: token,
      },
    ],
    diagnostics: [
      {
        id: 'STATE_MISMATCH',
        severity: 'error',
        message: `The code ${code} was redeemed twice; token ${token} was sent`,
        exchangeIds: ['x1'],
        reference: 'RFC 6749 10.12',
      },
    ],
    narrative: [`The app received ${code} and the token ${token}.`],
    exchangeIds: ['x1'],
    tabId: 1,
  };
  const analysis: Analysis = {
    version: ANALYSIS_VERSION,
    flows: [flow],
    diagnostics: [],
    source: { cookiesVisible: true, cookieJarVisible: false, exchanges: 1 },
  };

  it.each(['hashed', 'removed'] as const)('%s: no secret left, ids kept', (profile) => {
    const r = redactor({ profile });
    r.value('param', code);
    const safe = redactAnalysis(analysis, r);
    const json = JSON.stringify(safe);
    for (const secret of [code, 'st4te-5ecret', 'sess-1d-98765', token.split('.')[2]!]) {
      expect(json).not.toContain(secret);
    }
    const f = safe.flows[0]!;
    expect(f.tokens[0]!.claims).toEqual({
      sub: 'alice',
      sid: profile === 'hashed' ? expect.stringMatching(HASH) : '‹removed›',
      at_hash: 'not-a-secret',
    });
    expect(f.diagnostics[0]).toMatchObject({
      id: 'STATE_MISMATCH',
      exchangeIds: ['x1'],
      reference: 'RFC 6749 10.12',
    });
    expect(f.steps[0]!.summary).toMatch(/^GET \/cb\?code=‹.+›&state=‹.+›$/);
    expect(f.tiers[0]!.sessionCookies[0]!.attributes.path).toMatch(/^\/cb\/‹.+›$/);
    expect(f.parties).toEqual(flow.parties);
  });

  it('a claim whose value is a known secret is replaced, whatever its name', () => {
    const r = redactor();
    const hashed = r.value('cookie', 'Gx9KQE8I0VtJV33w');
    const safe = redactAnalysis(
      {
        ...analysis,
        flows: [
          {
            ...flow,
            tokens: [{ ...flow.tokens[0]!, claims: { session_ref: 'Gx9KQE8I0VtJV33w' } }],
          },
        ],
      },
      r,
    );
    expect(safe.flows[0]!.tokens[0]!.claims).toEqual({ session_ref: hashed });
  });

  it('does not count what it replaces in the report', () => {
    const r = redactor();
    redactAnalysis(analysis, r);
    expect(Object.values(r.report().counts).every((n) => n === 0)).toBe(true);
  });
});
