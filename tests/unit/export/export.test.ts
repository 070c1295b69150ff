import { describe, expect, it } from 'vitest';
import { withoutRawTokens } from '@/lib/analysis/public';
import type { Analysis, Flow } from '@/lib/analysis/types';
import { headerValues } from '@/lib/capture/headers';
import { importAny } from '@/lib/io/detect';
import {
  EXPORT_FORMATS,
  ExportError,
  exportFilename,
  exportTrace,
  type ExportFormat,
  type ExportInput,
} from '@/lib/io/export';
import type { RedactionProfile } from '@/lib/io/redact';
import { parseCookieHeader, parseSetCookie } from '@/lib/protocol/cookies';
import { LAB_FIXTURES, analyzeImport, importLab } from './lab';

const EXPORT_TIME = Date.parse('2026-11-30T10:00:00Z');

function labInput(name: string): ExportInput {
  const imported = importLab(name);
  return {
    exchanges: imported.exchanges,
    cookieEvents: imported.cookieEvents,
    responseBodies: imported.responseBodies,
    analysis: analyzeImport(imported),
    source: `${name}.har`,
  };
}

function exportAs(input: ExportInput, format: ExportFormat, profile: RedactionProfile = 'hashed') {
  return exportTrace(input, {
    format,
    redaction: { profile, key: 'test key' },
    now: EXPORT_TIME,
    creator: { name: 'Session Tracer', version: 'test' },
  });
}

/** The analysis of an exported file, read back as a user's file. */
function reanalyze(text: string, filename: string): Analysis {
  return analyzeImport(importAny(text, filename));
}

/** What a redacted export must keep of each flow. */
function shape(flow: Flow) {
  return {
    kind: flow.kind,
    protocol: flow.protocol,
    outcome: flow.outcome,
    parties: flow.parties.map((p) => [p.origin, p.role]),
    tiers: flow.tiers.map((t) => [t.origin, t.role, t.sessionCookies.map((c) => c.name)]),
  };
}

/** Secrets of a lab recording: passwords, cookie values, codes and tokens in URLs and bodies. */
function labSecrets(input: ExportInput): Set<string> {
  const secrets = new Set<string>(['wonderland', 'facebook-pass']);
  for (const x of input.exchanges) {
    for (const h of headerValues(x.requestHeaders, 'cookie'))
      for (const c of parseCookieHeader(h)) secrets.add(c.value);
    for (const h of headerValues(x.responseHeaders, 'set-cookie'))
      secrets.add(parseSetCookie(h).value);
    for (const url of [x.url, x.redirectUrl ?? '']) {
      try {
        const u = new URL(url);
        const params = new URLSearchParams(`${u.search.slice(1)}&${u.hash.slice(1)}`);
        for (const name of ['code', 'state', 'nonce', 'code_challenge', 'id_token', 'access_token'])
          for (const v of params.getAll(name)) secrets.add(v);
      } catch {
        // not a URL
      }
    }
    if (x.requestBody?.kind === 'form') {
      for (const [name, value] of x.requestBody.fields)
        if (/password|pass|token|code|state/.test(name)) secrets.add(value);
    }
  }
  // Only values long enough to be recognisable (a cookie "1" is everywhere).
  return new Set([...secrets].filter((s) => s.length >= 8));
}

describe('trace JSON round trip', () => {
  it.each(LAB_FIXTURES)(
    '%s, profile none: importing the export gives the same analysis',
    (name) => {
      const input = labInput(name);
      const result = exportAs(input, 'json', 'none');
      const imported = importAny(result.text, result.filename);
      expect(imported.source.format).toBe('trace');
      expect(imported.exchanges).toEqual(input.exchanges);
      expect(imported.cookieEvents).toEqual(input.cookieEvents);
      const again = analyzeImport(imported);
      expect(withoutRawTokens(again)).toEqual(withoutRawTokens(input.analysis));
      // The file carries the analysis made before the export, and how it was (not) redacted.
      expect(imported.trace?.analysis).toEqual(
        JSON.parse(JSON.stringify(withoutRawTokens(input.analysis))),
      );
      expect(imported.trace?.redaction).toMatchObject({ profile: 'none', jwtSignatures: 'kept' });
      expect(imported.trace?.exportedAt).toBe('2026-11-30T10:00:00.000Z');
    },
  );

  it.each(LAB_FIXTURES)(
    '%s, profile hashed: the same flows, kinds, parties and tier cookies come back',
    (name) => {
      const input = labInput(name);
      const result = exportAs(input, 'json');
      const again = reanalyze(result.text, result.filename);
      expect(again.flows.map(shape)).toEqual(input.analysis.flows.map(shape));
      expect(again.flows.map((f) => f.tokens.map((t) => [t.kind, t.location, t.name]))).toEqual(
        input.analysis.flows.map((f) => f.tokens.map((t) => [t.kind, t.location, t.name])),
      );
      // The embedded analysis keeps the structure too.
      const embedded = JSON.parse(result.text) as { analysis: Analysis; redaction: object };
      expect(embedded.analysis.flows.map(shape)).toEqual(input.analysis.flows.map(shape));
      expect(embedded.redaction).toMatchObject({ profile: 'hashed', jwtSignatures: 'removed' });
    },
  );

  it('keeps the claims of a token readable and drops the raw token (hashed)', () => {
    const input = labInput('fault-implicit-form-post');
    const before = input.analysis.flows.flatMap((f) => f.tokens);
    expect(before.some((t) => t.kind === 'id_token' && t.raw)).toBe(true);
    const result = exportAs(input, 'json');
    const embedded = JSON.parse(result.text) as { analysis: Analysis };
    const after = embedded.analysis.flows.flatMap((f) => f.tokens);
    expect(after.map((t) => t.kind)).toEqual(before.map((t) => t.kind));
    for (const [i, token] of after.entries()) {
      expect(token.raw).toBeUndefined();
      const original = before[i];
      for (const claim of ['iss', 'aud', 'exp', 'iat']) {
        if (original && claim in original.claims)
          expect(token.claims[claim]).toEqual(original.claims[claim]);
      }
    }
    expect(result.text).not.toContain('"raw"');
  });

  it('writes the response bodies, redacted, next to the records', () => {
    const input = labInput('password-login');
    const file = JSON.parse(exportAs(input, 'json').text) as Record<string, unknown>;
    expect(Object.keys(file)).toEqual([
      'format',
      'version',
      'exportedAt',
      'exchanges',
      'cookieEvents',
      'responseBodies',
      'redaction',
      'analysis',
    ]);
    expect(Object.keys(file['responseBodies'] as object).sort()).toEqual(
      Object.keys(input.responseBodies ?? {}).sort(),
    );
  });
});

describe('exportTrace', () => {
  it.each([
    ['json', 'session-tracer-2026-11-30T10-00-00.json', 'application/json'],
    ['har', 'session-tracer-2026-11-30T10-00-00.har', 'application/json'],
    ['md', 'session-tracer-2026-11-30T10-00-00.md', 'text/markdown;charset=utf-8'],
    ['mermaid', 'session-tracer-2026-11-30T10-00-00.mmd', 'text/plain;charset=utf-8'],
  ] as const)('%s: file name %s, type %s', (format, filename, mimeType) => {
    const result = exportAs(labInput('password-login'), format);
    expect(result.filename).toBe(filename);
    expect(result.mimeType).toBe(mimeType);
    expect(result.report.profile).toBe('hashed');
    expect(result.text.endsWith('\n')).toBe(true);
  });

  it.each(LAB_FIXTURES)(
    '%s: no password, cookie value, code, state or nonce in any format (default profile)',
    (name) => {
      const input = labInput(name);
      const secrets = labSecrets(input);
      expect(secrets.size).toBeGreaterThan(0);
      for (const format of EXPORT_FORMATS) {
        const { text } = exportAs(input, format);
        for (const secret of secrets) {
          expect(text.includes(secret), `${format} holds ${secret}`).toBe(false);
          expect(text.includes(encodeURIComponent(secret)), `${format} holds ${secret}`).toBe(
            false,
          );
        }
      }
    },
  );

  it('with profile none, the secrets stay and the report warns', () => {
    const input = labInput('password-login');
    const result = exportAs(input, 'har', 'none');
    expect(result.text).toContain('wonderland');
    expect(result.report.warning).toMatch(/NOT/);
  });

  it('writes a HAR importHar reads back with the redacted values', () => {
    const input = labInput('password-login');
    const result = exportAs(input, 'har');
    const again = importAny(result.text, result.filename);
    expect(again.source.format).toBe('har');
    // Paths may change: the interaction id in /interaction/{uid} is also a cookie value.
    expect(again.exchanges.map((x) => [x.method, new URL(x.url).origin, x.status])).toEqual(
      input.exchanges.map((x) => [x.method, new URL(x.url).origin, x.status]),
    );
    expect(reanalyze(result.text, result.filename).flows.map(shape)).toEqual(
      input.analysis.flows.map(shape),
    );
    const login = again.exchanges.find((x) => x.requestBody?.kind === 'form');
    expect(login?.requestBody).toMatchObject({ kind: 'form' });
    expect(JSON.stringify(login?.requestBody)).not.toContain('wonderland');
  });

  it('renders the Markdown report with the redaction line and the source', () => {
    const result = exportAs(labInput('federated-login'), 'md');
    expect(result.text).toMatch(/^# Session Tracer report\n/);
    expect(result.text).toContain('**Source:** federated-login.har');
    expect(result.text).toContain('**Redaction:** profile `hashed` · JWT signatures removed');
    expect(result.text).toContain('## flow-1: federated-login (oidc), success');
  });

  it('draws one flow with flowId, every flow without', () => {
    const input = labInput('sso');
    expect(input.analysis.flows.length).toBeGreaterThan(1);
    const all = exportAs(input, 'mermaid').text;
    expect(all.match(/^ {2}%% flow-\d+/gm)).toHaveLength(input.analysis.flows.length);
    const one = exportTrace(input, {
      format: 'mermaid',
      redaction: { profile: 'hashed' },
      now: EXPORT_TIME,
      flowId: 'flow-2',
    }).text;
    expect(one).toMatch(/^sequenceDiagram\n/);
    expect(one).not.toContain('%% flow-');
    expect(one.split('\n').filter((l) => l.includes('->>'))).toHaveLength(
      input.analysis.flows[1]?.steps.length ?? -1,
    );
    expect(() =>
      exportTrace(input, {
        format: 'mermaid',
        redaction: { profile: 'hashed' },
        now: EXPORT_TIME,
        flowId: 'flow-99',
      }),
    ).toThrow(ExportError);
  });

  it('runs the safety net over the final text: a secret only the analysis holds is scrubbed', () => {
    const input = labInput('password-login');
    const cookie = input.exchanges
      .flatMap((x) => headerValues(x.responseHeaders, 'set-cookie'))
      .map((h) => parseSetCookie(h))
      .find((c) => c.name === 'storezero.sid');
    expect(cookie?.value.length).toBeGreaterThan(8);
    const analysis = structuredClone(input.analysis);
    analysis.flows[0]?.narrative.push(`The app's session is ${cookie?.value}.`);
    for (const format of ['md', 'mermaid', 'json'] as const) {
      const { text } = exportAs({ ...input, analysis }, format);
      expect(text).not.toContain(cookie?.value);
    }
  });

  it('does not change its input', () => {
    const input = labInput('password-login');
    const copy = structuredClone(input);
    for (const format of EXPORT_FORMATS) exportAs(input, format);
    expect(input).toEqual(copy);
  });

  it.each([
    [Date.parse('2026-01-02T03:04:05.678Z'), 'har', 'session-tracer-2026-01-02T03-04-05.har'],
    [Number.NaN, 'md', 'session-tracer-1970-01-01T00-00-00.md'],
  ])('exportFilename(%s, %s) is %s', (now, extension, expected) => {
    expect(exportFilename(now, extension)).toBe(expected);
  });
});
