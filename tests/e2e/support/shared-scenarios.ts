// One list of lab scenarios and what the panel must show for each, run in Chromium and in
// Firefox alike (tests/e2e/cross-browser.e2e.ts): the same flows, parties, tiers and problems.

export interface ScenarioExpectation {
  name: string;
  scenario: number | string;
  faults?: string;
  /** Flow kinds in order. */
  kinds: string[];
  /** For the flow at `flow`: tier role -> its session cookie changes (".sig" companions left out). */
  tiers?: { flow: number; cookies: Record<string, string[]> };
  /** For the first flow: problem ids that must be shown. */
  problems?: string[];
}

export const SHARED_SCENARIOS: ScenarioExpectation[] = [
  {
    name: 'password login',
    scenario: 1,
    kinds: ['interactive-login'],
    tiers: {
      flow: 0,
      cookies: { app: ['storezero.sid:created'], 'authorization-server': ['_session:created'] },
    },
    problems: [],
  },
  {
    name: 'federated login',
    scenario: 2,
    kinds: ['federated-login'],
    tiers: {
      flow: 0,
      cookies: {
        app: ['storezero.sid:created'],
        'authorization-server': ['_session:created'],
        'identity-provider': ['_session:created'],
      },
    },
  },
  {
    name: 'logout',
    scenario: 5,
    kinds: ['federated-login', 'logout', 'sso', 'logout', 'federated-login'],
    tiers: {
      flow: 4,
      cookies: {
        app: ['storezero.sid:created'],
        'authorization-server': ['_session:created'],
        'identity-provider': ['_session:sent'],
      },
    },
  },
  {
    name: 'weak client',
    scenario: 'faulty-login',
    faults: 'weak-client',
    kinds: ['interactive-login'],
    problems: ['STATE_MISSING', 'PKCE_MISSING', 'NONCE_MISSING'],
  },
  {
    name: 'implicit form_post',
    scenario: 'faulty-login',
    faults: 'implicit-form-post',
    kinds: ['interactive-login'],
    problems: ['IMPLICIT_GRANT'],
  },
];
