/** The analysis JSON contract (docs/analysis-format.md). Keep it stable. */

export const ANALYSIS_VERSION = 1;

export type FlowKind =
  | 'interactive-login'
  | 'federated-login'
  | 'sso'
  | 'silent-auth'
  | 'logout'
  | 'token-refresh'
  | 'unknown';
export type FlowProtocol = 'oidc' | 'oauth2' | 'saml2' | 'wsfed';
export type FlowOutcome = 'success' | 'error' | 'incomplete';
export type PartyRole = 'app' | 'authorization-server' | 'identity-provider';
export type CookieChange = 'created' | 'updated' | 'cleared' | 'sent';
export type Verification = 'valid' | 'invalid' | 'unverified' | 'unverifiable';
export type Severity = 'error' | 'warning' | 'info';

export interface Party {
  origin: string;
  role: PartyRole;
  label?: string;
}

export interface Step {
  /** The hop this step is; an inferred back-channel step names the hop it was inferred from. */
  exchangeId: string;
  /** 'browser' or a party origin. */
  from: string;
  to: string;
  summary: string;
  /** A step the browser cannot see (a back-channel call), shown as inferred. */
  inferred?: boolean;
}

export interface CookieAttributes {
  domain?: string;
  path?: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite?: string;
  expires?: string;
  maxAge?: number;
  /** name + value length in bytes. */
  size: number;
}

export interface SessionCookie {
  name: string;
  change: CookieChange;
  attributes: CookieAttributes;
  /** The hop that set, cleared or sent it. */
  exchangeId: string;
}

export interface Tier {
  origin: string;
  role: PartyRole;
  sessionCookies: SessionCookie[];
  /** An AS/IdP session cookie was sent on an authorization request answered with no login UI. */
  ssoProven?: boolean;
}

export interface TokenInfo {
  kind:
    'id_token' | 'access_token' | 'refresh_token' | 'logout_token' | 'request_object' | 'unknown';
  format: 'jws' | 'jwe' | 'opaque';
  exchangeId: string;
  /** Where it travelled: 'query', 'fragment', 'form', 'header', 'body'. */
  location: string;
  /** The parameter or header name. */
  name: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  verification: Verification;
  verificationReason?: string;
  /** Human times of exp, iat, nbf, auth_time, as ISO strings. */
  times?: Record<string, string>;
  /** The token itself, for verify(); never written to an export or to --json output. */
  raw?: string;
}

export interface Diagnostic {
  id: string;
  severity: Severity;
  message: string;
  exchangeIds: string[];
  reference: string;
}

export interface Flow {
  id: string;
  kind: FlowKind;
  protocol: FlowProtocol;
  outcome: FlowOutcome;
  start: number;
  end: number;
  parties: Party[];
  steps: Step[];
  tiers: Tier[];
  tokens: TokenInfo[];
  diagnostics: Diagnostic[];
  /** The steps in plain words. */
  narrative: string[];
  /** Every hop of the flow, in order (also non-protocol hops such as login pages). */
  exchangeIds: string[];
  tabId: number;
}

export interface Analysis {
  version: number;
  flows: Flow[];
  /** Problems that belong to no single flow (a cookie set outside any login, for instance). */
  diagnostics: Diagnostic[];
  /** What the source could show: a sanitized HAR has no cookies, a HAR no cookie-jar events. */
  source: { cookiesVisible: boolean; cookieJarVisible: boolean; exchanges: number };
}
