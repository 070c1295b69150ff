import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '@/lib/analysis/analyze';
import type { Analysis, Flow } from '@/lib/analysis/types';
import { importAny } from '@/lib/io/detect';

// The lab's scenarios recorded by Chromium (tests/fixtures/lab/README.md): real oidc-provider
// and openid-client traffic, read through the HAR importer like a user's file.
function analyzeFixture(name: string): Analysis {
  const imported = importAny(readFileSync(`tests/fixtures/lab/${name}.har`), `${name}.har`);
  return analyze({
    exchanges: imported.exchanges,
    now: Date.parse('2026-12-01T00:00:00Z'),
    responseBodies: imported.responseBodies,
    cookiesVisible: imported.source.cookiesVisible,
  });
}

const APP = 'http://storezero.localhost:3000';
const AS = 'http://auth.localhost:3001';
const IDP = 'http://facebook.localhost:3002';

const summary = (a: Analysis) => a.flows.map((f) => `${f.kind}:${f.outcome}`);
const tierCookies = (f: Flow | undefined, origin: string) =>
  f?.tiers.find((t) => t.origin === origin)?.sessionCookies.map((c) => `${c.name}:${c.change}`);
const ids = (f: Flow | undefined, severity?: string) =>
  [
    ...new Set(f?.diagnostics.filter((d) => !severity || d.severity === severity).map((d) => d.id)),
  ].sort();

describe('analysis of the lab recordings', () => {
  it('password login: two sessions come to life, no problem', () => {
    const a = analyzeFixture('password-login');
    expect(summary(a)).toEqual(['interactive-login:success']);
    const [login] = a.flows;
    expect(login?.parties.map((p) => [p.origin, p.role])).toEqual([
      [APP, 'app'],
      [AS, 'authorization-server'],
    ]);
    expect(tierCookies(login, APP)).toEqual(['storezero.sid:created']);
    expect(tierCookies(login, AS)).toEqual(['_session:created', '_session.sig:created']);
    expect(ids(login)).toEqual([]);
    expect(login?.steps.some((s) => s.inferred && s.from === APP && s.to === AS)).toBe(true);
  });

  it('federated login: three sessions, facebook as the identity provider', () => {
    const a = analyzeFixture('federated-login');
    expect(summary(a)).toEqual(['federated-login:success']);
    const [login] = a.flows;
    expect(login?.parties.map((p) => p.role)).toEqual([
      'app',
      'authorization-server',
      'identity-provider',
    ]);
    expect(login?.parties[2]?.origin).toBe(IDP);
    expect(tierCookies(login, IDP)).toEqual(['_session:created', '_session.sig:created']);
    expect(login?.narrative.join(' ')).toMatch(/3 sessions now exist/);
    expect(ids(login, 'error')).toEqual([]);
  });

  it('SSO: the second login shows no login page and proves the AS session', () => {
    const a = analyzeFixture('sso');
    // The scenario ends the app session first (app-only logout), then logs in again.
    expect(summary(a)).toEqual(['interactive-login:success', 'logout:success', 'sso:success']);
    const sso = a.flows[2];
    expect(sso?.tiers.find((t) => t.origin === AS)?.ssoProven).toBe(true);
    expect(tierCookies(sso, AS)).toEqual(['_session:sent', '_session.sig:sent']);
    expect(tierCookies(sso, APP)).toEqual(['storezero.sid:created']);
    expect(sso?.narrative.join(' ')).toMatch(
      /already logged in at auth\.localhost:3001, so no login page was shown/,
    );
  });

  it('silent auth: success while logged in, login_required after logout', () => {
    const a = analyzeFixture('silent-auth');
    expect(summary(a)).toEqual([
      'interactive-login:success',
      'silent-auth:success',
      'logout:success',
      'silent-auth:error',
    ]);
    expect(ids(a.flows[3])).toContain('SILENT_AUTH_FAILED');
    expect(a.flows[3]?.diagnostics.every((d) => d.severity !== 'error')).toBe(true);
  });

  it('logout: app only, then full; the facebook session survives and the re-login asks no IdP password', () => {
    const a = analyzeFixture('logout');
    expect(summary(a)).toEqual([
      'federated-login:success',
      'logout:success',
      'sso:success',
      'logout:success',
      'federated-login:success',
    ]);
    const [, appOnly, , full, relogin] = a.flows;
    expect(tierCookies(appOnly, APP)).toEqual(['storezero.sid:cleared']);
    expect(tierCookies(appOnly, AS)).toEqual([]);
    expect(tierCookies(full, AS)).toEqual(['_session:cleared', '_session.sig:cleared']);
    expect(
      full?.diagnostics.filter((d) => d.id === 'LOGOUT_INCOMPLETE').map((d) => d.message),
    ).toEqual([
      expect.stringMatching(/identity provider session at facebook\.localhost:3002 is still alive/),
    ]);
    expect(tierCookies(relogin, IDP)).toEqual(['_session:sent', '_session.sig:sent']);
    expect(relogin?.narrative.join(' ')).toMatch(
      /already logged in at facebook\.localhost:3002, so it asked for no password/,
    );
    const idToken = full?.tokens.find((t) => t.name === 'id_token_hint');
    expect(idToken).toMatchObject({
      kind: 'id_token',
      format: 'jws',
      claims: { iss: AS, aud: 'storezero' },
    });
  });

  it.each([
    ['fault-weak-client', ['NONCE_MISSING', 'PKCE_MISSING', 'STATE_MISSING'], 'success'],
    ['fault-implicit-form-post', ['IMPLICIT_GRANT'], 'success'],
    ['fault-redirect-uri-mismatch', ['REDIRECT_URI_MISMATCH'], 'error'],
    ['fault-samesite-none-insecure', ['SAMESITE_NONE_INSECURE'], 'error'],
  ])('%s: the diagnostics catch the fault', (name, expected, outcome) => {
    const a = analyzeFixture(name);
    const [flow] = a.flows;
    expect(flow?.outcome).toBe(outcome);
    expect(ids(flow)).toEqual(expect.arrayContaining(expected));
  });

  it('the implicit flow shows its ID token decoded, with the request nonce checked', () => {
    const [flow] = analyzeFixture('fault-implicit-form-post').flows;
    const idToken = flow?.tokens.find((t) => t.kind === 'id_token');
    expect(idToken).toMatchObject({
      format: 'jws',
      location: 'form',
      claims: { iss: AS, aud: 'storezero-legacy', sub: 'alice' },
    });
    expect(typeof idToken?.claims['nonce']).toBe('string');
    expect(ids(flow)).not.toContain('NONCE_MISMATCH');
    expect(ids(flow)).not.toContain('HASH_MISMATCH');
  });

  it('the clean lab scenarios report no error-level problem (loopback http is fine)', () => {
    for (const name of ['password-login', 'federated-login', 'sso', 'silent-auth', 'logout']) {
      const a = analyzeFixture(name);
      const errors = a.flows.flatMap((f) =>
        f.diagnostics.filter((d) => d.severity === 'error').map((d) => `${f.id} ${d.id}`),
      );
      expect(errors, name).toEqual([]);
    }
  });
});
