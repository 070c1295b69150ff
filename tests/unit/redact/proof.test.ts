import { describe, expect, it } from 'vitest';
import { analyze } from '@/lib/analysis/analyze';
import {
  createRedactor,
  redactAnalysis,
  redactRecords,
  scrubText,
  type RedactionProfile,
} from '@/lib/io/redact';
import { serializeTrace } from '@/lib/io/trace';
import { collectSecrets, collectSecretsByKind, labCodeSecrets, labHars } from './lab-secrets';

/**
 * THE PROOF (issue 6): every secret the lab produced, collected by walking the recorded HARs
 * (not written down here), appears nowhere in what a redacted export is made of.
 */
const hars = labHars();
const codeSecrets = labCodeSecrets();

/** Every secret, in every form an export could carry it. */
function leaksIn(text: string, secrets: Iterable<string>): string[] {
  return [...secrets].filter(
    (s) =>
      text.includes(s) ||
      text.includes(encodeURIComponent(s)) ||
      text.includes(new URLSearchParams([['', s]]).toString().slice(1)),
  );
}

/** A text made of the secrets, as a Markdown report or a message could quote them. */
function textQuoting(secrets: Iterable<string>): string {
  return [...secrets]
    .map((s, i) => `${i}. "${s}" was sent as ?v=${encodeURIComponent(s)} (and as ${s}).`)
    .join('\n');
}

describe('the lab fixtures hold the secrets the proof is about', () => {
  it('the lab code names the users passwords and the client secrets', () => {
    expect(codeSecrets).toEqual(
      expect.arrayContaining(['wonderland', 'facebook-pass', 'storezero-secret']),
    );
  });

  it.each(hars.map((h) => [h.name, h.result] as const))('%s', (name, result) => {
    const secrets = collectSecrets(result);
    expect(secrets.size).toBeGreaterThan(name.includes('mismatch') ? 2 : 8);
    const all = [...secrets].join(' ');
    if (!name.includes('mismatch')) expect(all).toMatch(/wonderland|facebook-pass/);
  });

  it('together: passwords, cookie values, codes, state, nonce, PKCE, JWTs and their signatures', () => {
    const kinds = new Map<string, number>();
    const all = new Set<string>();
    for (const { result } of hars) {
      for (const [value, kind] of collectSecretsByKind(result)) {
        all.add(value);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }
    expect(all).toContain('wonderland');
    expect(all).toContain('facebook-pass');
    for (const kind of [
      'form:password',
      'form:pass',
      'form:xsrf',
      'form:id_token',
      'form:access_token',
      'param:code',
      'param:state',
      'param:nonce',
      'param:code_challenge',
      'param:id_token_hint',
      'set-cookie',
      'jwt-signature',
    ]) {
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
    const jwts = [...all].filter((s) => /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(s));
    expect(jwts.length).toBeGreaterThanOrEqual(3);
    for (const jwt of jwts) expect(all).toContain(jwt.split('.')[2]);
    expect(all.size).toBeGreaterThan(150);
  });
});

describe.each<RedactionProfile>(['hashed', 'removed'])('profile %s', (profile) => {
  it.each(hars.map((h) => [h.name, h.result] as const))(
    '%s: no secret in the records, the trace file, the analysis or scrubbed text',
    (_name, result) => {
      const collected = [...collectSecrets(result)];
      const secrets = [...collected, ...codeSecrets];
      const redactor = createRedactor({ profile, key: 'proof' });
      const redacted = redactRecords(result, redactor);

      expect(leaksIn(JSON.stringify(redacted), secrets)).toEqual([]);

      const analysis = analyze({
        exchanges: result.exchanges,
        cookieEvents: result.cookieEvents,
        responseBodies: result.responseBodies,
        now: Date.parse('2026-12-01T00:00:00Z'),
      });
      const safeAnalysis = redactAnalysis(analysis, redactor);
      const file = serializeTrace(redacted.exchanges, redacted.cookieEvents, {
        exportedAt: 0,
        redaction: redactor.report(),
        analysis: safeAnalysis,
      });
      expect(leaksIn(file, secrets)).toEqual([]);
      expect(file).not.toContain('"raw"');

      // scrubText replaces what the redactor has seen: every secret of the records.
      const text = textQuoting(collected);
      expect(leaksIn(text, collected).length).toBe(collected.length);
      expect(leaksIn(scrubText(text, redactor), collected)).toEqual([]);
      // The analysis of the original records names tokens and sessions; its text still leaks
      // nothing once scrubbed.
      expect(leaksIn(scrubText(JSON.stringify(analysis), redactor), collected)).toEqual([]);
    },
  );
});

describe("profile 'none'", () => {
  it.each(hars.map((h) => [h.name, h.result] as const))(
    '%s: keeps every secret and warns',
    (_name, result) => {
      const secrets = [...collectSecrets(result)];
      const redactor = createRedactor({ profile: 'none' });
      const redacted = redactRecords(result, redactor);
      expect(redacted.exchanges).toEqual(result.exchanges);
      expect(redacted.responseBodies).toEqual(result.responseBodies);
      const json = JSON.stringify(redacted);
      expect(secrets.filter((s) => !json.includes(s))).toEqual([]);
      expect(redactor.report().warning).toMatch(/NOT redacted/);
    },
  );
});
