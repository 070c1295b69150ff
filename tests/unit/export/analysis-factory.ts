import { ANALYSIS_VERSION, type Analysis, type Flow } from '@/lib/analysis/types';

/** A flow with hostile values in every text the exporters write; override what a test needs. */
export function hostileFlow(over: Partial<Flow> = {}): Flow {
  const app = 'https://app.example';
  const as = 'https://as.example:8443';
  return {
    id: 'flow-1',
    kind: 'interactive-login',
    protocol: 'oidc',
    outcome: 'error',
    start: Date.parse('2026-11-30T10:00:00Z'),
    end: Date.parse('2026-11-30T10:00:02Z'),
    parties: [
      { origin: app, role: 'app', label: 'Shop; <b>#1</b>' },
      { origin: as, role: 'authorization-server' },
    ],
    steps: [
      {
        exchangeId: 'x1',
        from: 'browser',
        to: app,
        summary: 'GET /login 302 → as.example:8443/authorize',
      },
      {
        exchangeId: 'x2',
        from: 'browser',
        to: as,
        summary: 'GET /authorize; x=1 #frag <script>alert(1)</script>\nend %% comment 303',
      },
      {
        exchangeId: 'x2',
        from: app,
        to: as,
        summary: 'exchanged the code for tokens on its back channel (not visible to the browser)',
        inferred: true,
      },
      { exchangeId: 'x3', from: 'browser', to: app, summary: 'GET /callback 302 [sets sid]' },
    ],
    tiers: [
      {
        origin: as,
        role: 'authorization-server',
        sessionCookies: [
          {
            name: '<img onerror=x>',
            change: 'created',
            attributes: { secure: true, httpOnly: true, sameSite: 'Lax', path: '/', size: 40 },
            exchangeId: 'x2',
          },
        ],
      },
      {
        origin: app,
        role: 'app',
        ssoProven: true,
        sessionCookies: [
          {
            name: 'sid',
            change: 'updated',
            attributes: { secure: false, httpOnly: true, size: 20, maxAge: 3600 },
            exchangeId: 'x3',
          },
        ],
      },
    ],
    tokens: [
      {
        kind: 'id_token',
        format: 'jws',
        exchangeId: 'x3',
        location: 'form',
        name: 'id_token',
        header: { alg: 'RS256' },
        claims: {
          iss: 'https://as.example:8443',
          sub: 'a|b `rm -rf` | c',
          aud: ['app', '<x>'],
          exp: 1_800_000_000,
          extra: 'hidden',
        },
        verification: 'invalid',
        verificationReason: 'bad signature | forged',
      },
    ],
    diagnostics: [
      {
        id: 'STATE_MISSING',
        severity: 'error',
        message: 'No state.\n# Not a heading | [link](javascript:alert(1))',
        exchangeIds: ['x2'],
        reference: 'RFC 6749 §10.12',
      },
    ],
    narrative: [
      'The browser opened <https://app.example/login>.',
      '# this is not a heading',
      '- nor a list item',
      '1. nor a numbered item',
    ],
    exchangeIds: ['x1', 'x2', 'x3'],
    tabId: 1,
    ...over,
  };
}

export function analysisOf(flows: Flow[], over: Partial<Analysis> = {}): Analysis {
  return {
    version: ANALYSIS_VERSION,
    flows,
    diagnostics: [],
    source: { cookiesVisible: true, cookieJarVisible: false, exchanges: 3 },
    ...over,
  };
}
