/** A cookie as a Cookie request header carries it. */
export interface SentCookie {
  name: string;
  value: string;
}

/** A Set-Cookie header, parsed (RFC 6265bis 5.6). Attribute names are case-insensitive. */
export interface SetCookie {
  name: string;
  value: string;
  domain?: string;
  path?: string;
  expires?: string;
  maxAge?: number;
  secure: boolean;
  httpOnly: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None' | string;
  partitioned: boolean;
  /** The header as received. */
  raw: string;
}

/** Splits a Cookie header ("a=1; b=2") into its cookies; a value may itself hold "=". */
export function parseCookieHeader(header: string): SentCookie[] {
  const out: SentCookie[] = [];
  for (const part of header.split(';')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq === -1) out.push({ name: '', value: trimmed });
    else out.push({ name: trimmed.slice(0, eq).trim(), value: trimmed.slice(eq + 1).trim() });
  }
  return out;
}

/** Parses one Set-Cookie header value. Never throws: unknown attributes are ignored. */
export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  const cookie: SetCookie = {
    name: eq === -1 ? '' : pair.slice(0, eq).trim(),
    value: (eq === -1 ? pair : pair.slice(eq + 1)).trim(),
    secure: false,
    httpOnly: false,
    partitioned: false,
    raw: header,
  };
  for (const attribute of attributes) {
    const aeq = attribute.indexOf('=');
    const key = (aeq === -1 ? attribute : attribute.slice(0, aeq)).trim().toLowerCase();
    const value = aeq === -1 ? '' : attribute.slice(aeq + 1).trim();
    switch (key) {
      case 'domain':
        if (value) cookie.domain = value.replace(/^\./, '').toLowerCase();
        break;
      case 'path':
        if (value.startsWith('/')) cookie.path = value;
        break;
      case 'expires':
        cookie.expires = value;
        break;
      case 'max-age': {
        const seconds = Number.parseInt(value, 10);
        if (/^-?\d+$/.test(value) && Number.isFinite(seconds)) cookie.maxAge = seconds;
        break;
      }
      case 'secure':
        cookie.secure = true;
        break;
      case 'httponly':
        cookie.httpOnly = true;
        break;
      case 'samesite':
        cookie.sameSite = normalizeSameSite(value);
        break;
      case 'partitioned':
        cookie.partitioned = true;
        break;
    }
  }
  return cookie;
}

function normalizeSameSite(value: string): string {
  const lower = value.toLowerCase();
  if (lower === 'strict') return 'Strict';
  if (lower === 'lax') return 'Lax';
  if (lower === 'none') return 'None';
  return value;
}

/** True when the Set-Cookie removes the cookie (Max-Age <= 0 or an Expires in the past). */
export function isRemoval(cookie: SetCookie, now: number): boolean {
  if (cookie.maxAge !== undefined) return cookie.maxAge <= 0;
  if (cookie.expires) {
    const time = Date.parse(cookie.expires);
    return Number.isFinite(time) && time <= now;
  }
  return false;
}
