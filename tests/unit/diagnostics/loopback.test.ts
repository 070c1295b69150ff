import { describe, expect, it } from 'vitest';
import {
  allDiagnostics,
  frontChannelLogout,
  jarEvents,
  login,
  logout,
  run,
  scenario,
} from './scenarios';

// The lab and local development: every party on its own http://*.localhost host. Plain http is
// normal there (RFC 8252 7.3), browsers treat it as a secure context, and each host is a site.
const APP = 'http://shop.localhost';
const AS = 'http://login.localhost';

describe('a clean login on loopback hosts', () => {
  it('reports no error-level diagnostic: code flow, live cookie jar, logout', () => {
    const s = scenario();
    login(s, {
      app: APP,
      as: AS,
      iss: AS,
      txCookie: 'shop.tx=t1; Path=/; HttpOnly; SameSite=Lax',
      appSessionCookie: 'shop.sid=s1; Path=/; HttpOnly; SameSite=Lax',
      asSessionCookie: '_session=a1; Path=/; HttpOnly; SameSite=Lax',
    });
    s.cookieEvents = jarEvents(s.t.exchanges);
    const errors = allDiagnostics(run(s)).filter((d) => d.severity === 'error');
    expect(errors).toEqual([]);
  });

  it('reports no error-level diagnostic: form_post with SameSite=None; Secure over http', () => {
    const s = scenario();
    login(s, {
      app: APP,
      as: AS,
      iss: AS,
      responseType: 'code id_token',
      responseMode: 'form_post',
      idToken: { claims: { iss: AS } },
      txCookie: 'shop.tx=t1; Path=/; HttpOnly; Secure; SameSite=None',
      appSessionCookie: 'shop.sid=s1; Path=/; HttpOnly; Secure; SameSite=Lax',
      asSessionCookie: '_session=a1; Path=/; HttpOnly; Secure; SameSite=None',
    });
    s.cookieEvents = jarEvents(s.t.exchanges);
    const analysis = run(s);
    expect(analysis.flows.map((f) => f.outcome)).toEqual(['success']);
    expect(allDiagnostics(analysis).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('reports nothing at all for the https base it mirrors, logout included', () => {
    const s = scenario();
    login(s);
    logout(s);
    frontChannelLogout(s);
    s.cookieEvents = jarEvents(s.t.exchanges);
    expect(allDiagnostics(run(s))).toEqual([]);
  });
});
