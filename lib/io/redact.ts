/**
 * Redaction of exported traces (design convention 9; issue 6, "Redaction (on by default)").
 *
 * Pure: no node:, no DOM; it runs in the panel, in the viewer and in the CLI. One Redactor is
 * made per export; it hashes with one key, so the same secret shows as the same `‹h:…›` on every
 * hop of that export (and differently in an export made with another key).
 *
 * What is secret (the values; names, methods, statuses, ids and timings stay):
 * - every form field value (urlencoded raw bodies too), Cookie header values, Set-Cookie values
 *   (name and attributes stay; an empty value that clears a cookie stays empty), cookie-jar
 *   values of CookieEvents;
 * - Authorization, Proxy-Authorization and any header whose name matches
 *   /token|secret|auth|api-?key|session|csrf|xsrf/i, except HARMLESS_HEADERS (the scheme of a
 *   credential stays: `Bearer ‹h:…›`);
 * - parameters with a secret name (SECRET_NAMES, SECRET_NAME_PATTERN, extraNames) in queries and
 *   fragments of every URL (url, redirectUrl, Location, Referer, nested URLs), in JSON bodies
 *   (request and response, recursively by key) and urlencoded response bodies, `name=value`
 *   pairs and hidden inputs in text bodies;
 * - the password of a URL's userinfo;
 * - raw request bodies that are not JSON or urlencoded (and base64 ones): wholly, their
 *   token-like parts learnt as secrets;
 * - JWTs anywhere: header and claims stay readable (claims with a secret name, or whose value is
 *   a known secret, are replaced), the signature goes (`<header>.<payload>.‹signature removed›`;
 *   with the hashed profile `‹signature removed h:…›`, so the same token stays recognisable),
 *   unless keepJwtSignatures; a JWE is replaced wholly;
 * - SAML messages (SAMLRequest, SAMLResponse, SAMLart, wresult): wholly.
 * Then every string that may echo a secret (URL paths, cookie paths, text bodies, other header
 * values) goes through the scrubber: every known secret, and its URL-, JSON- and HTML-encoded
 * forms, is replaced wherever it occurs (see scrubText for which secrets count as known).
 *
 * Replacements: `‹h:3f9a1c2b›` (hashed: HMAC-SHA256 of the value under the export's key, first 8
 * hex digits) or `‹removed›`; inside URLs they are percent-encoded, so URLs stay strictly valid and
 * parse to the marker. Redacting a redacted trace again changes nothing.
 */
import type { Analysis } from '../analysis/types';
import { createHmacSha256, toHex } from '../crypto/hmac';
import type { HmacSha256 } from '../crypto/hmac';
import { base64url } from '../crypto/sha';
import { InputFormatError } from '../errors';
import type { CookieEvent, Exchange, Header, JarCookie, RequestBody } from '../model';

export type RedactionProfile = 'none' | 'hashed' | 'removed';

/** The profiles, in the order a picker shows them: the default first, 'none' last. */
export const REDACTION_PROFILES: readonly RedactionProfile[] = ['hashed', 'removed', 'none'];

export const DEFAULT_PROFILE: RedactionProfile = 'hashed';

export interface RedactionOptions {
  profile: RedactionProfile;
  /** The hashing key; when absent, a random one per export (crypto.getRandomValues). */
  key?: string;
  /** Keep the signatures of JWS tokens (they stay verifiable, and usable). Default false. */
  keepJwtSignatures?: boolean;
  /** More field, parameter, header and cookie names to treat as secret, case-insensitive. */
  extraNames?: string[];
}

export interface RedactionReport {
  profile: RedactionProfile;
  jwtSignatures: 'kept' | 'removed';
  extraNames: string[];
  /**
   * How many values were redacted, by where they were (a JWT anywhere counts as a token). With
   * the 'none' profile: how many were found and left as they are.
   */
  counts: {
    cookies: number;
    headers: number;
    params: number;
    formFields: number;
    bodies: number;
    tokens: number;
    saml: number;
  };
  /** For 'none': secrets are NOT redacted. */
  warning?: string;
}

/** Where a secret was found; the keys of RedactionReport.counts. */
export type SecretKind = keyof RedactionReport['counts'];

/** Created per export (one key, one report). Never put the key in the export. */
export interface Redactor {
  /**
   * The replacement of one secret value, remembered (so scrubText replaces it everywhere) and
   * counted under `kind` (a SecretKind, or its singular: 'cookie', 'header', 'param',
   * 'formField', 'body', 'token'). A JWT gets the JWT treatment; '' stays ''.
   */
  value(kind: string, v: string): string;
  report(): RedactionReport;
  /** Every original secret value -> its replacement (itself with the 'none' profile). */
  secrets(): ReadonlyMap<string, string>;
}

/** What a removed value becomes. */
export const REMOVED = '‹removed›';
/** What the signature of a JWS becomes with the 'removed' profile. */
export const SIGNATURE_REMOVED = '‹signature removed›';

export const NONE_WARNING =
  'Redaction is off (profile "none"): passwords, cookies, tokens and other secrets are NOT ' +
  'redacted. Share this file only with people who may see them.';

/** Parameter, field, JSON key and claim names whose values are secret (lower case). */
export const SECRET_NAMES: ReadonlySet<string> = new Set([
  'code',
  'token',
  'tokens',
  'secret',
  'secrets',
  'state',
  'nonce',
  'code_verifier',
  'code_challenge',
  'client_secret',
  'password',
  'assertion',
  'client_assertion',
  'id_token_hint',
  'refresh_token',
  'access_token',
  'id_token',
  'logout_token',
  'request',
  'request_uri',
  'samlrequest',
  'samlresponse',
  'samlart',
  'signature',
  'sig',
  'relaystate',
  'wresult',
  'wctx',
  'session_state',
  'sid',
  'device_code',
  'user_code',
  'oauth_verifier',
  'ticket',
  'jwt',
  'otp',
  'pin',
  'pass',
  'passwd',
  'pwd',
  'session',
]);

/**
 * Names that are secret by their shape: ending in token, secret, password, api key, credential,
 * signature, session id, csrf/xsrf (access_token, clientSecret, X-Amz-Signature, csrfToken,
 * JSESSIONID), or holding "password"/"passphrase" anywhere (new_password, passwordConfirm).
 * `token_type`, `token_endpoint` and `*_supported` do not match.
 */
export const SECRET_NAME_PATTERN =
  /(?:token|secret|api[-_]?key|credentials?|signature|sess(?:ion)?_?id|csrf|xsrf)$|passw(?:or)?d|passphrase|passcode/i;

/** Header names matched by the credential header pattern that carry no secret. */
export const HARMLESS_HEADERS: ReadonlySet<string> = new Set([
  // Challenges: realm, scope, error; a Negotiate/NTLM token68 and nonce/opaque are still redacted.
  'www-authenticate',
  'proxy-authenticate',
  // The HTTP/2 host.
  ':authority',
  // GitHub's granted / accepted scopes.
  'x-oauth-scopes',
  'x-accepted-oauth-scopes',
]);

/** Header names whose value is a credential (unless in HARMLESS_HEADERS). */
export const SECRET_HEADER_PATTERN = /token|secret|auth|api-?key|session|csrf|xsrf/i;

const SAML_NAMES = new Set(['samlrequest', 'samlresponse', 'samlart', 'wresult']);
const TOKEN_NAME = /token|assertion|^request$|^jwt$/i;

/** True when a value of that name is secret (without the extra names of an export). */
export function isSecretName(name: string): boolean {
  return SECRET_NAMES.has(name.toLowerCase()) || SECRET_NAME_PATTERN.test(name);
}

/** True for a redaction marker (`‹h:3f9a1c2b›`, `‹removed›`) or a JWT whose signature went. */
export function isRedacted(value: string): boolean {
  return MARKER.test(value) || REDACTED_JWT.test(value);
}

/**
 * True for a JWS whose signature redaction removed (`<header>.<payload>.‹signature removed…›`):
 * its header and claims still decode; it cannot be verified.
 */
export function isRedactedJwt(value: string): boolean {
  return REDACTED_JWT.test(value);
}

/** Reads a profile name (CLI `--redact`, a settings value). */
export function parseRedactionProfile(name: string): RedactionProfile {
  const profile = REDACTION_PROFILES.find((p) => p === name.trim().toLowerCase());
  if (!profile) {
    throw new InputFormatError(
      `unknown redaction profile ${JSON.stringify(name)}: expected one of ${REDACTION_PROFILES.join(', ')}`,
    );
  }
  return profile;
}

/**
 * Makes the redactor of one export. Does not redact anything by itself: pass it to
 * redactRecords, redactAnalysis and scrubText (in that order, so the analysis and free texts
 * know every secret of the records).
 *
 * @throws InputFormatError for an unknown profile.
 */
export function createRedactor(options: RedactionOptions): Redactor {
  return new RedactorImpl(options);
}

type Records = {
  exchanges: readonly Exchange[];
  cookieEvents: readonly CookieEvent[];
  responseBodies?: Readonly<Record<string, string>>;
};

/**
 * Redacts exchanges, cookie events and response bodies (see the module comment for what). First
 * learns every secret of the records, then rewrites them, so a secret found in one place is also
 * replaced where it is merely echoed (a URL path, an HTML page). Returns new records; the inputs
 * are not changed. Keeps ids, names, methods, statuses, timings; URLs stay parseable (only
 * parameter values and echoed secrets change, percent-encoded).
 *
 * Redacting in chunks: call collectSecrets on every chunk first, then redactRecords per chunk.
 */
export function redactRecords(
  records: Records,
  redactor: Redactor,
): { exchanges: Exchange[]; cookieEvents: CookieEvent[]; responseBodies: Record<string, string> } {
  const r = internal(redactor);
  collectSecrets(records, redactor);
  return r.records(records);
}

/** Learns the secrets of records without redacting them (nothing is counted). */
export function collectSecrets(records: Records, redactor: Redactor): void {
  const r = internal(redactor);
  r.learn(() => r.records(records));
}

/**
 * The analysis as it may leave the process: tokens lose `raw`, keep header and claims (a claim
 * with a secret name such as nonce, sid or state, or whose value is a known secret, is
 * replaced); every other string (summaries, narrative, messages, labels) goes through scrubText.
 * Ids stay. Call it after redactRecords with the same redactor.
 */
export function redactAnalysis(analysis: Analysis, redactor: Redactor): Analysis {
  const r = internal(redactor);
  r.learn(() => {
    for (const flow of analysis.flows) {
      for (const token of flow.tokens) {
        if (token.raw) r.secret('tokens', token.raw);
        r.claims(token.claims, 0);
      }
    }
  });
  return r.quietly(() => r.deep(analysis, undefined, 0) as Analysis);
}

/**
 * The safety net for any text leaving the process (Markdown, Mermaid, messages): replaces every
 * known secret (values of 4 characters or more, longest first, also their URL-, JSON- and
 * HTML-encoded forms), JWT signatures, secret `name=value` pairs and secret parameters of URLs.
 * Known secrets are those the redactor has seen: call it after redactRecords.
 *
 * Not scrubbed everywhere (only where they stand, by name): weak values that look like plain
 * words or numbers (a form field "yes", a cookie "en-US"), so ordinary text is not garbled.
 */
export function scrubText(text: string, redactor: Redactor): string {
  const r = internal(redactor);
  return r.quietly(() => r.text(text, 0));
}

function internal(redactor: Redactor): RedactorImpl {
  if (redactor instanceof RedactorImpl) return redactor;
  throw new TypeError('pass a redactor made by createRedactor');
}

// ---------------------------------------------------------------------------------------------

const MARKER = /^‹[^‹›]{1,60}›$/;
const REDACTED_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.‹signature removed[^‹›]*›$/;
const JWT_START = '(?:eyJ|eyAi|ewo|ew0K)';
const JWS = new RegExp(`^${JWT_START}[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*$`);
const JWE = new RegExp(`^${JWT_START}[A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]*){4}$`);
const JWT_IN_TEXT = new RegExp(
  `(?<![A-Za-z0-9_-])${JWT_START}[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*` +
    `(?:\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*)?`,
  'g',
);
const ABSOLUTE_URL = /\bhttps?:\/\/[^\s"'<>`\\]+/gi;
const NAME_VALUE = /(?<![\w.%-])([A-Za-z_][\w.-]{0,63})=("[^"]*"|[^\s&"'<>;,)\\]+)/g;
const HTML_FIELD = /<(?:input|meta)\b[^>]*>/gi;
const HTML_ATTR = /([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s"'>]+))/g;
const URLISH = /^(?:https?:)?\/\/\S+$|^\/\S*[?#]\S*$/i;
const AUTH_SCHEME =
  /^(?:Bearer|Basic|DPoP|Digest|Token|Negotiate|NTLM|MAC|HOBA|Mutual|AWS4-HMAC-SHA256|SharedKey)\s+\S/i;
const OPAQUE_PART = /[A-Za-z0-9_\-.~+=]{6,}/g;
const FORM_BODY = /^[\w.%[\]~*-]+=\S*$/;
const MAX_DEPTH = 3;
const MAX_JSON_DEPTH = 200;
const MIN_SCRUB = 4;

type Strength = 'strong' | 'weak';
type VariantKind = 'raw' | 'enc' | 'enc2' | 'html';
interface Target {
  rep: string;
}
interface ScrubEntry {
  variant: string;
  kind: VariantKind;
  target: Target;
}

const KIND_ALIASES: Record<string, SecretKind> = {
  cookie: 'cookies',
  header: 'headers',
  param: 'params',
  formField: 'formFields',
  body: 'bodies',
  token: 'tokens',
};

function kindOf(kind: string): SecretKind {
  const alias = KIND_ALIASES[kind];
  if (alias) return alias;
  const counts: readonly string[] = [
    'cookies',
    'headers',
    'params',
    'formFields',
    'bodies',
    'tokens',
    'saml',
  ];
  return counts.includes(kind) ? (kind as SecretKind) : 'params';
}

class RedactorImpl implements Redactor {
  private readonly profile: RedactionProfile;
  private readonly mac: HmacSha256;
  private readonly keepSignatures: boolean;
  private readonly extraNames: string[];
  private readonly extra: Set<string>;
  private readonly counts: RedactionReport['counts'] = {
    cookies: 0,
    headers: 0,
    params: 0,
    formFields: 0,
    bodies: 0,
    tokens: 0,
    saml: 0,
  };
  private readonly replaced = new Map<string, string>();
  private readonly hashes = new Map<string, string>();
  private readonly jwts = new Map<string, string>();
  private readonly targets = new Map<string, Target>();
  /** Scrub entries by a hash of their first 4 characters, longest first. */
  private readonly index = new Map<number, ScrubEntry[]>();
  private readonly firstChars = new Set<number>();
  private learning = false;
  private counting = true;

  constructor(options: RedactionOptions) {
    this.profile = parseRedactionProfile(options.profile);
    this.keepSignatures = options.keepJwtSignatures === true;
    this.extraNames = [...(options.extraNames ?? [])].map((n) => n.trim()).filter(Boolean);
    this.extra = new Set(this.extraNames.map((n) => n.toLowerCase()));
    const key =
      options.key !== undefined
        ? ENCODER.encode(options.key)
        : crypto.getRandomValues(new Uint8Array(32));
    this.mac = createHmacSha256(key);
  }

  value(kind: string, v: string): string {
    const k = kindOf(kind);
    return this.secret(k, v, k === 'cookies' ? 'weak' : 'strong');
  }

  report(): RedactionReport {
    const report: RedactionReport = {
      profile: this.profile,
      jwtSignatures: this.profile === 'none' || this.keepSignatures ? 'kept' : 'removed',
      extraNames: [...this.extraNames],
      counts: { ...this.counts },
    };
    if (this.profile === 'none') report.warning = NONE_WARNING;
    return report;
  }

  secrets(): ReadonlyMap<string, string> {
    return new Map(this.replaced);
  }

  /** Runs fn learning secrets only: no counting, no scrubbing, output thrown away. */
  learn(fn: () => void): void {
    const before = this.learning;
    this.learning = true;
    try {
      fn();
    } finally {
      this.learning = before;
    }
  }

  /** Runs fn without counting (derived views: the analysis, free texts). */
  quietly<T>(fn: () => T): T {
    const before = this.counting;
    this.counting = false;
    try {
      return fn();
    } finally {
      this.counting = before;
    }
  }

  private count(kind: SecretKind): void {
    if (this.counting && !this.learning) this.counts[kind] += 1;
  }

  private isSecret(name: string): boolean {
    return isSecretName(name) || this.extra.has(name.toLowerCase());
  }

  private kindForName(name: string, fallback: SecretKind): SecretKind {
    const lower = name.toLowerCase();
    if (SAML_NAMES.has(lower)) return 'saml';
    if (TOKEN_NAME.test(lower)) return 'tokens';
    return fallback;
  }

  // --- values --------------------------------------------------------------------------------

  /** The replacement of one secret value; a JWT gets the JWT treatment. */
  secret(kind: SecretKind, v: string, strength: Strength = 'strong'): string {
    if (v === '' || isRedacted(v)) return v;
    if (jwtFormat(v)) return this.jwt(v);
    this.count(kind);
    const rep = this.replaced.get(v) ?? this.replacement(v);
    this.remember(v, rep, strength);
    return rep;
  }

  private replacement(v: string): string {
    if (this.profile === 'none') return v;
    if (this.profile === 'removed') return REMOVED;
    return `‹h:${this.hash8(v)}›`;
  }

  private hash8(v: string): string {
    let hash = this.hashes.get(v);
    if (hash === undefined) {
      hash = toHex(this.mac(ENCODER.encode(v)).subarray(0, 4));
      this.hashes.set(v, hash);
    }
    return hash;
  }

  private jwt(token: string): string {
    this.count('tokens');
    const done = this.jwts.get(token);
    if (done !== undefined) return done;
    const rep = this.jwtReplacement(token);
    // Claims are rewritten against every known secret: final once learning is over.
    if (!this.learning) this.jwts.set(token, rep);
    return rep;
  }

  private jwtReplacement(token: string): string {
    const parts = token.split('.');
    if (parts.length === 5) {
      const rep = this.replacement(token);
      this.remember(token, rep, 'strong');
      return rep;
    }
    const [header = '', payload = '', signature = ''] = parts;
    if (signature === '' || this.profile === 'none' || this.keepSignatures) {
      this.replaced.set(token, token);
      return token;
    }
    const sig =
      this.profile === 'hashed' ? `‹signature removed h:${this.hash8(token)}›` : SIGNATURE_REMOVED;
    const rep = `${header}.${this.payload(payload)}.${sig}`;
    this.remember(token, rep, 'strong');
    this.remember(signature, sig, 'strong');
    return rep;
  }

  /** A JWS payload with its secret claims replaced (unchanged when it is not a JSON object). */
  private payload(payload: string): string {
    const claims = decodeJsonSegment(payload);
    if (!claims) return payload;
    const rewritten = this.claims(claims, 0);
    if (JSON.stringify(rewritten) === JSON.stringify(claims)) return payload;
    return base64url(ENCODER.encode(JSON.stringify(rewritten)));
  }

  /** Claims with a secret name, or whose value is a known secret, replaced (recursively). */
  claims(claims: Record<string, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(claims)) {
      out[name] = this.claim(name, value, depth);
    }
    return out;
  }

  private claim(name: string, value: unknown, depth: number): unknown {
    if (typeof value === 'string') {
      if (value !== '' && (this.isSecret(name) || this.targets.has(value))) {
        return this.secret(this.kindForName(name, 'tokens'), value);
      }
      return value;
    }
    if (depth > 8) return value;
    if (Array.isArray(value)) return value.map((item) => this.claim(name, item, depth + 1));
    if (isPlainObject(value)) return this.claims(value, depth + 1);
    return value;
  }

  private remember(v: string, rep: string, strength: Strength): void {
    this.replaced.set(v, rep);
    const target = this.targets.get(v);
    if (target) {
      target.rep = rep;
      return;
    }
    if (this.profile === 'none' || !scrubWorthy(v, strength)) return;
    const fresh: Target = { rep };
    this.targets.set(v, fresh);
    for (const [variant, kind] of variantsOf(v)) this.addVariant(variant, kind, fresh);
  }

  private addVariant(variant: string, kind: VariantKind, target: Target): void {
    const key = key4(variant, 0);
    const list = this.index.get(key);
    const entry: ScrubEntry = { variant, kind, target };
    if (!list) {
      this.index.set(key, [entry]);
      this.firstChars.add(variant.charCodeAt(0));
      return;
    }
    if (list.some((e) => e.variant === variant)) return;
    const at = list.findIndex((e) => e.variant.length < variant.length);
    if (at === -1) list.push(entry);
    else list.splice(at, 0, entry);
  }

  /** Every known secret in text replaced; redaction markers are left alone. */
  scrub(text: string, url: boolean): string {
    if (this.learning || this.index.size === 0 || text.length < MIN_SCRUB) return text;
    let out = '';
    let last = 0;
    let i = 0;
    const end = text.length - MIN_SCRUB;
    while (i <= end) {
      const code = text.charCodeAt(i);
      if (code === 0x2039) {
        const close = text.indexOf('›', i);
        if (close !== -1 && close - i <= 64) {
          i = close + 1;
          continue;
        }
      }
      if (this.firstChars.has(code)) {
        const list = this.index.get(key4(text, i));
        const hit = list?.find((e) => text.startsWith(e.variant, i));
        if (hit) {
          out += text.slice(last, i) + replacementFor(hit, url);
          i += hit.variant.length;
          last = i;
          continue;
        }
      }
      i += 1;
    }
    return last === 0 ? text : out + text.slice(last);
  }

  // --- records -------------------------------------------------------------------------------

  records(records: Records): {
    exchanges: Exchange[];
    cookieEvents: CookieEvent[];
    responseBodies: Record<string, string>;
  } {
    const exchanges = records.exchanges.map((x) => this.exchange(x));
    const cookieEvents = records.cookieEvents.map((e) => this.cookieEvent(e));
    const responseBodies: Record<string, string> = {};
    for (const [id, body] of Object.entries(records.responseBodies ?? {})) {
      responseBodies[id] = this.responseBody(body);
    }
    return { exchanges, cookieEvents, responseBodies };
  }

  private exchange(x: Exchange): Exchange {
    const out: Exchange = {
      id: x.id,
      requestId: x.requestId,
      hop: x.hop,
      startedAt: x.startedAt,
      tabId: x.tabId,
      frameId: x.frameId,
      parentFrameId: x.parentFrameId,
      type: x.type,
      method: x.method,
      url: this.url(x.url, 0),
      requestHeaders: x.requestHeaders.map((h) => this.header(h)),
      status: x.status,
      responseHeaders: x.responseHeaders.map((h) => this.header(h)),
      timings: { ...x.timings },
    };
    if (x.initiator !== undefined) out.initiator = this.url(x.initiator, 0);
    if (x.documentUrl !== undefined) out.documentUrl = this.url(x.documentUrl, 0);
    if (x.requestBody !== undefined) {
      const type = x.requestHeaders.find((h) => h.name.toLowerCase() === 'content-type');
      out.requestBody = this.requestBody(x.requestBody, type?.value ?? '');
    }
    if (x.statusLine !== undefined) out.statusLine = this.text(x.statusLine, 0);
    if (x.redirectUrl !== undefined) out.redirectUrl = this.url(x.redirectUrl, 0);
    if (x.fromCache !== undefined) out.fromCache = x.fromCache;
    if (x.ip !== undefined) out.ip = x.ip;
    if (x.error !== undefined) out.error = this.text(x.error, 0);
    return out;
  }

  private cookieEvent(e: CookieEvent): CookieEvent {
    return {
      id: e.id,
      time: e.time,
      removed: e.removed,
      cause: e.cause,
      cookie: this.jarCookie(e.cookie),
    };
  }

  private jarCookie(c: JarCookie): JarCookie {
    const out: JarCookie = {
      name: c.name,
      value: this.secret('cookies', c.value, 'weak'),
      domain: c.domain,
      path: this.scrub(c.path, true),
      secure: c.secure,
      httpOnly: c.httpOnly,
      sameSite: c.sameSite,
      hostOnly: c.hostOnly,
      session: c.session,
    };
    if (c.expirationDate !== undefined) out.expirationDate = c.expirationDate;
    if (c.storeId !== undefined) out.storeId = c.storeId;
    if (c.partitionKey !== undefined) out.partitionKey = c.partitionKey;
    return out;
  }

  // --- URLs ----------------------------------------------------------------------------------

  /** A URL (absolute or relative) with secret parameter values and echoed secrets replaced. */
  url(u: string, depth: number): string {
    const hashAt = u.indexOf('#');
    const main = hashAt === -1 ? u : u.slice(0, hashAt);
    const queryAt = main.indexOf('?');
    let out = this.urlText(this.userinfo(queryAt === -1 ? main : main.slice(0, queryAt)));
    if (queryAt !== -1) out += `?${this.params(main.slice(queryAt + 1), depth, false)}`;
    if (hashAt !== -1) out += `#${this.fragment(u.slice(hashAt + 1), depth)}`;
    return out;
  }

  /** `scheme://user:password@host`: the password is replaced (percent-encoded). */
  private userinfo(base: string): string {
    const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)([^/?#@]*)@/i.exec(base);
    if (!m?.[2]) return base;
    const password = decodeComponent(m[2]);
    const next = this.secret('params', password);
    return next === password
      ? base
      : `${m[1]}${encodeURIComponent(next)}@${base.slice(m[0].length)}`;
  }

  private fragment(f: string, depth: number): string {
    if (!f.includes('=')) return this.urlText(f);
    const queryAt = f.indexOf('?');
    if (queryAt !== -1 && /^[!/]/.test(f)) {
      return `${this.urlText(f.slice(0, queryAt))}?${this.params(f.slice(queryAt + 1), depth, false)}`;
    }
    return this.params(f, depth, false);
  }

  /** A path or a fragment that is no parameter list: JWTs and echoed secrets, percent-encoded. */
  private urlText(s: string): string {
    const out = /ey|ew/.test(s) ? s.replace(JWT_IN_TEXT, (m) => encodeURI(this.jwtInText(m))) : s;
    return this.scrub(out, true);
  }

  /**
   * `a=1&b=2` with values replaced: those of secret names always, every value when `form` (a
   * form body: all fields are secret), JWTs, nested URLs and echoed secrets in the others.
   */
  private params(text: string, depth: number, form: boolean): string {
    return text
      .split('&')
      .map((part) => this.param(part, depth, form))
      .join('&');
  }

  private param(part: string, depth: number, form: boolean): string {
    if (part === '') return part;
    const eq = part.indexOf('=');
    if (eq === -1) {
      const value = decodeComponent(part);
      const next = form ? this.secret('formFields', value, 'weak') : this.loose(value, depth);
      return next === value ? part : encodeComponent(next, form);
    }
    const rawName = part.slice(0, eq);
    const name = decodeComponent(rawName).replace(/^amp;/, '');
    const rawValue = part.slice(eq + 1);
    const value = decodeComponent(rawValue);
    let next: string;
    if (this.isSecret(name)) {
      next = this.secret(this.kindForName(name, form ? 'formFields' : 'params'), value);
    } else if (form) {
      next = this.secret('formFields', value, 'weak');
    } else {
      next = this.loose(value, depth);
    }
    return next === value ? part : `${rawName}=${encodeComponent(next, form)}`;
  }

  /** A value that is not secret by its name: a nested URL, or text (JWTs, echoed secrets). */
  private loose(value: string, depth: number): string {
    if (depth < MAX_DEPTH && URLISH.test(value)) return this.url(value, depth + 1);
    return this.text(value, depth + 1);
  }

  // --- headers -------------------------------------------------------------------------------

  private header(h: Header): Header {
    return { name: h.name, value: this.headerValue(h.name.toLowerCase(), h.value) };
  }

  private headerValue(name: string, v: string): string {
    switch (name) {
      case 'cookie':
        return this.cookieHeader(v);
      case 'set-cookie':
        return this.setCookie(v);
      case 'authorization':
      case 'proxy-authorization':
        return this.credentials(v);
      case 'location':
      case 'content-location':
      case 'referer':
        return this.url(v, 0);
      case 'refresh':
        return v.replace(
          /(url\s*=\s*)(\S+)/i,
          (_m, pre: string, u: string) => pre + this.url(u, 0),
        );
      case 'www-authenticate':
      case 'proxy-authenticate':
        return this.challenge(v);
    }
    if (HARMLESS_HEADERS.has(name)) return this.text(v, 0);
    if (this.extra.has(name) || SECRET_HEADER_PATTERN.test(name)) {
      return AUTH_SCHEME.test(v) ? this.credentials(v) : this.secret('headers', v);
    }
    return this.text(v, 0);
  }

  /** `Scheme credentials`: the scheme stays; Basic's password is learnt on its own too. */
  private credentials(v: string): string {
    const m = /^([A-Za-z][\w!#$%&'*+.^`|~-]*)(\s+)([\s\S]+)$/.exec(v);
    if (!m) return this.secret('headers', v);
    const [, scheme = '', space = '', credentials = ''] = m;
    if (/^basic$/i.test(scheme)) {
      const decoded = decodeBase64(credentials.trim());
      const colon = decoded?.indexOf(':') ?? -1;
      if (decoded !== undefined && colon !== -1) {
        const password = decoded.slice(colon + 1);
        if (password) this.remember(password, this.replacement(password), 'strong');
      }
    }
    return `${scheme}${space}${this.secret('headers', credentials)}`;
  }

  /** WWW-Authenticate: realm, scope and error stay; a token68 and nonce/opaque do not. */
  private challenge(v: string): string {
    const out = v
      .replace(
        /\b(Negotiate|NTLM|Kerberos)(\s+)([A-Za-z0-9+/=._~-]{4,})/gi,
        (_m, scheme: string, space: string, token: string) =>
          `${scheme}${space}${this.secret('headers', token)}`,
      )
      .replace(
        /\b(nonce|cnonce|nextnonce|opaque|rspauth)(\s*=\s*)(?:"([^"]*)"|([^,\s]+))/gi,
        (_m, name: string, eq: string, quoted: string | undefined, bare: string | undefined) =>
          quoted !== undefined
            ? `${name}${eq}"${this.secret('headers', quoted)}"`
            : `${name}${eq}${this.secret('headers', bare ?? '')}`,
      );
    return this.text(out, 0);
  }

  private cookieHeader(v: string): string {
    return v
      .split(';')
      .map((part) => {
        const eq = part.indexOf('=');
        return eq === -1
          ? this.cookieValue(part)
          : part.slice(0, eq + 1) + this.cookieValue(part.slice(eq + 1));
      })
      .join(';');
  }

  private setCookie(v: string): string {
    const semi = v.indexOf(';');
    const pair = semi === -1 ? v : v.slice(0, semi);
    const attributes = semi === -1 ? '' : v.slice(semi);
    const eq = pair.indexOf('=');
    const redacted =
      eq === -1
        ? this.cookieValue(pair)
        : pair.slice(0, eq + 1) + this.cookieValue(pair.slice(eq + 1));
    return redacted + this.scrub(attributes, true);
  }

  /** A cookie value with its surrounding spaces kept; '' stays '' (a cookie being cleared). */
  private cookieValue(raw: string): string {
    const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(raw);
    if (!m) return raw;
    const [, lead = '', value = '', trail = ''] = m;
    return lead + this.secret('cookies', value, 'weak') + trail;
  }

  // --- bodies --------------------------------------------------------------------------------

  private requestBody(body: RequestBody, contentType: string): RequestBody {
    switch (body.kind) {
      case 'form':
        return {
          kind: 'form',
          fields: body.fields.map(([name, value]): [string, string] => [
            name,
            this.isSecret(name)
              ? this.secret(this.kindForName(name, 'formFields'), value)
              : this.secret('formFields', value, 'weak'),
          ]),
        };
      case 'raw':
        return {
          kind: 'raw',
          text: this.rawBody(body.text, body.encoding, contentType),
          encoding: body.encoding,
          truncated: body.truncated,
        };
      case 'unavailable':
        return { kind: 'unavailable', reason: body.reason };
    }
  }

  private rawBody(text: string, encoding: 'utf8' | 'base64', contentType: string): string {
    const trimmed = text.trim();
    if (trimmed === '') return text;
    if (encoding === 'base64') return this.secret('bodies', text);
    if (/json/i.test(contentType) || /^[[{]/.test(trimmed)) {
      const json = parseJson(trimmed);
      if (json.ok) return this.jsonText(text, json.value);
    }
    if (/x-www-form-urlencoded/i.test(contentType) || FORM_BODY.test(trimmed)) {
      return this.params(text, 0, true);
    }
    // An opaque body (multipart, XML, text) is replaced wholly; its token-like parts (a password
    // in a multipart field, a token in a SOAP envelope) are learnt, so echoes of them elsewhere
    // are scrubbed too.
    for (const part of text.match(OPAQUE_PART) ?? []) {
      if (scrubWorthy(part, 'weak')) this.remember(part, this.replacement(part), 'weak');
    }
    return this.secret('bodies', text);
  }

  private responseBody(text: string): string {
    const trimmed = text.trim();
    if (/^[[{]/.test(trimmed)) {
      const json = parseJson(trimmed);
      if (json.ok) return this.jsonText(text, json.value);
    }
    if (FORM_BODY.test(trimmed)) return this.params(text, 0, false);
    return this.text(text, 0);
  }

  /** JSON text redacted by key; the original text when nothing changed. */
  private jsonText(original: string, value: unknown): string {
    const redacted = this.json(value, undefined, 0);
    const text = JSON.stringify(redacted, null, original.includes('\n') ? 2 : undefined);
    return text === JSON.stringify(value, null, original.includes('\n') ? 2 : undefined)
      ? original
      : text;
  }

  /** A JSON value with the values of secret keys replaced (strings and numbers, recursively). */
  private json(value: unknown, secretKind: SecretKind | undefined, depth: number): unknown {
    if (typeof value === 'string') {
      return secretKind ? this.secret(secretKind, value) : this.loose(value, 0);
    }
    if (typeof value === 'number') {
      if (!secretKind) return value;
      const text = String(value);
      const next = this.secret(secretKind, text);
      return next === text ? value : next;
    }
    if (depth > MAX_JSON_DEPTH) {
      const text = JSON.stringify(value);
      return this.secret('bodies', text);
    }
    if (Array.isArray(value)) return value.map((item) => this.json(item, secretKind, depth + 1));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const kind =
          secretKind ?? (this.isSecret(key) ? this.kindForName(key, 'params') : undefined);
        out[key] = this.json(item, kind, depth + 1);
      }
      return out;
    }
    return value;
  }

  // --- free text -----------------------------------------------------------------------------

  /**
   * Free text (a text body, a header value, a message): secret hidden inputs, JWTs, URLs with
   * secret parameters, secret `name=value` pairs, then every known secret.
   */
  text(s: string, depth: number): string {
    if (s.length < MIN_SCRUB) return s;
    let out = s;
    if (out.includes('<')) out = out.replace(HTML_FIELD, (tag) => this.htmlField(tag));
    if (/ey|ew/.test(out)) out = out.replace(JWT_IN_TEXT, (m) => this.jwtInText(m));
    if (depth < MAX_DEPTH && out.includes('//')) {
      out = out.replace(ABSOLUTE_URL, (u) => this.url(u, depth + 1));
    }
    if (out.includes('=')) {
      out = out.replace(NAME_VALUE, (m, name: string, raw: string) => {
        if (!this.isSecret(decodeComponent(name).replace(/^amp;/, ''))) return m;
        const quoted = raw.startsWith('"');
        const value = decodeComponent(quoted ? raw.slice(1, -1) : raw);
        const next = this.secret(this.kindForName(name, 'params'), value);
        if (next === value) return m;
        return quoted ? `${name}="${next}"` : `${name}=${next}`;
      });
    }
    return this.scrub(out, false);
  }

  /** A JWT-shaped match in text: a JWE, or a JWS possibly followed by more dotted text. */
  private jwtInText(m: string): string {
    if (jwtFormat(m) === 'jwe') return this.secret('tokens', m);
    const jws = m.split('.').slice(0, 3).join('.');
    return jwtFormat(jws) === 'jws' ? this.secret('tokens', jws) + m.slice(jws.length) : m;
  }

  /** `<input name="xsrf" value="…">`, `<meta name="csrf-token" content="…">`: value replaced. */
  private htmlField(tag: string): string {
    let name: string | undefined;
    for (const m of tag.matchAll(HTML_ATTR)) {
      if (/^(?:name|property)$/i.test(m[1] ?? ''))
        name = decodeEntities(m[3] ?? m[4] ?? m[5] ?? '');
    }
    if (name === undefined || !this.isSecret(name)) return tag;
    const kind = this.kindForName(name, 'formFields');
    return tag.replace(
      HTML_ATTR,
      (whole, attr: string, _v, dq?: string, sq?: string, bare?: string) => {
        if (!/^(?:value|content)$/i.test(attr)) return whole;
        const raw = dq ?? sq ?? bare ?? '';
        const value = decodeEntities(raw);
        const next = this.secret(kind, value);
        if (next === value) return whole;
        return `${attr}="${next}"`;
      },
    );
  }

  // --- analysis ------------------------------------------------------------------------------

  /** A deep copy of an analysis value: tokens lose raw, claims are redacted, strings scrubbed. */
  deep(value: unknown, key: string | undefined, depth: number): unknown {
    if (typeof value === 'string') return KEEP_KEYS.has(key ?? '') ? value : this.text(value, 0);
    if (depth > MAX_JSON_DEPTH) return undefined;
    if (Array.isArray(value)) {
      if (key === 'tokens') return value.map((token) => this.token(token, depth + 1));
      return value.map((item) => this.deep(item, key, depth + 1));
    }
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(value)) out[k] = this.deep(item, k, depth + 1);
      return out;
    }
    return value;
  }

  private token(token: unknown, depth: number): unknown {
    if (!isPlainObject(token)) return this.deep(token, undefined, depth);
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(token)) {
      if (k === 'raw') continue;
      if (k === 'claims' && isPlainObject(item)) {
        out[k] = this.deep(this.claims(item, 0), k, depth + 1);
      } else {
        out[k] = this.deep(item, k, depth + 1);
      }
    }
    return out;
  }
}

/** Analysis members that are ids or fixed vocabulary: never rewritten. */
const KEEP_KEYS = new Set([
  'id',
  'exchangeId',
  'exchangeIds',
  'kind',
  'protocol',
  'outcome',
  'role',
  'change',
  'verification',
  'severity',
  'reference',
  'format',
  'location',
]);

/**
 * Whether a secret is worth replacing wherever it occurs: 4 characters or more; a URL (a
 * RelayState) only where it stands; a weak one (a cookie or an ordinary form field) only when it
 * looks like a token rather than a word or a number.
 */
function scrubWorthy(v: string, strength: Strength): boolean {
  if (v.length < MIN_SCRUB) return false;
  if (strength === 'strong') return !/^[a-z][a-z0-9+.-]*:\/\//i.test(v);
  if (v.length < 6 || !/^[A-Za-z0-9_\-.~+/=%]+$/.test(v)) return false;
  if (/^[A-Za-z]+(?:[_.-][A-Za-z]+)*$/.test(v) || /^\d+$/.test(v)) return v.length >= 24;
  return (/\d/.test(v) && /[A-Za-z]/.test(v)) || v.length >= 16;
}

/** A hash of the 4 characters at i (collisions are settled by comparing the text). */
function key4(s: string, i: number): number {
  let h = 0x811c9dc5;
  for (let k = i; k < i + MIN_SCRUB; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return h;
}

/** The forms a value takes in URLs, JSON and HTML, each with how its replacement is written. */
function variantsOf(v: string): Map<string, VariantKind> {
  const out = new Map<string, VariantKind>([[v, 'raw']]);
  const add = (variant: string, kind: VariantKind) => {
    if (variant.length >= MIN_SCRUB && !out.has(variant)) out.set(variant, kind);
  };
  const enc = encodeURIComponent(v);
  add(enc, 'enc');
  add(
    enc.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    'enc',
  );
  add(enc.replace(/%20/g, '+'), 'enc');
  add(new URLSearchParams([['', v]]).toString().slice(1), 'enc');
  add(encodeURIComponent(enc), 'enc2');
  add(JSON.stringify(v).slice(1, -1), 'raw');
  add(v.replace(/\//g, '\\/'), 'raw');
  if (/[&<>"'`=/+]/.test(v)) {
    add(
      v.replace(/[&<>"'`=]/g, (c) => HTML_HEX[c] ?? c),
      'html',
    );
    add(
      v.replace(/[&<>"'=/+]/g, (c) => `&#${c.charCodeAt(0)};`),
      'html',
    );
  }
  return out;
}

const HTML_HEX: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};

function replacementFor(entry: ScrubEntry, url: boolean): string {
  const rep = entry.target.rep;
  switch (entry.kind) {
    case 'enc2':
      return encodeURIComponent(encodeURIComponent(rep));
    case 'enc':
      return encodeURIComponent(rep);
    case 'raw':
    case 'html':
      return url ? encodeURIComponent(rep) : rep;
  }
}

function decodeComponent(s: string): string {
  if (!/[%+]/.test(s)) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Percent-encodes a replacement for a query, fragment or form value. */
function encodeComponent(s: string, form: boolean): string {
  const enc = encodeURIComponent(s);
  return form ? enc.replace(/%20/g, '+') : enc;
}

function decodeEntities(s: string): string {
  return s.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi, (m, hex, dec, named) => {
    if (hex) return String.fromCodePoint(Number.parseInt(hex as string, 16));
    if (dec) return String.fromCodePoint(Number.parseInt(dec as string, 10));
    const map: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    return map[(named as string).toLowerCase()] ?? m;
  });
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const ENCODER = new TextEncoder();

function decodeBase64(s: string): string | undefined {
  try {
    const binary = atob(s);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * 'jws' or 'jwe' for a compact JWT: the right number of base64url parts and a JSON header with
 * `alg` (and `enc` for a JWE). A dotted base64 value without such a header (a Flask session
 * cookie) is not a JWT here: it is redacted wholly.
 */
function jwtFormat(v: string): 'jws' | 'jwe' | undefined {
  const jws = JWS.test(v);
  if (!jws && !JWE.test(v)) return undefined;
  const header = decodeJsonSegment(v.slice(0, v.indexOf('.')));
  if (!header || typeof header.alg !== 'string') return undefined;
  if (jws) return 'jws';
  return typeof header.enc === 'string' ? 'jwe' : undefined;
}

/** A base64url JSON object (a JWT header or payload), or undefined. */
function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const text = decodeBase64(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  if (text === undefined) return undefined;
  const json = parseJson(text);
  return json.ok && isPlainObject(json.value) ? json.value : undefined;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
