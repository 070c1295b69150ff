// Small HTTP helpers shared by the three lab servers: cookies, signed values and the HTML shell.
// Written by hand so the lab needs nothing beyond express, oidc-provider and openid-client.
import crypto from 'node:crypto';

/**
 * Parses a Cookie request header into name -> value (first occurrence wins, as browsers send
 * the most specific path first).
 * @param {string | undefined} header
 * @returns {Record<string, string>}
 */
export function parseCookies(header) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !(name in out)) out[name] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * @typedef {object} CookieOptions
 * @property {string} [path]
 * @property {number} [maxAge] seconds; 0 deletes the cookie
 * @property {boolean} [httpOnly]
 * @property {boolean} [secure]
 * @property {'Lax' | 'Strict' | 'None'} [sameSite]
 */

/**
 * Builds one Set-Cookie value. Attributes are written in the usual order so captures look like
 * what real servers send.
 * @param {string} name
 * @param {string} value
 * @param {CookieOptions} [options]
 */
export function serializeCookie(name, value, options = {}) {
  let out = `${name}=${encodeURIComponent(value)}`;
  out += `; Path=${options.path ?? '/'}`;
  if (options.maxAge !== undefined) {
    out += `; Max-Age=${options.maxAge}`;
    if (options.maxAge === 0) out += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT';
  }
  if (options.httpOnly) out += '; HttpOnly';
  if (options.secure) out += '; Secure';
  if (options.sameSite) out += `; SameSite=${options.sameSite}`;
  return out;
}

/**
 * Appends a Set-Cookie header without dropping the ones already set (express's res.append
 * would do too, but this keeps call sites uniform with plain node responses).
 * @param {import('node:http').ServerResponse} res
 * @param {string} cookie
 */
export function addSetCookie(res, cookie) {
  const prev = res.getHeader('Set-Cookie');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev : [String(prev)];
  res.setHeader('Set-Cookie', [...list, cookie]);
}

/**
 * Signs a JSON value into a cookie-safe string (base64url payload "." HMAC) so a transaction
 * cookie can hold state/nonce/verifier without a server-side store and cannot be forged.
 * @param {unknown} value
 * @param {string} secret
 */
export function sign(value, secret) {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  const mac = crypto.createHmac('sha256', secret).update(payload).digest('base64url');
  return `${payload}.${mac}`;
}

/**
 * @param {string | undefined} token
 * @param {string} secret
 * @returns {any} the value, or undefined when absent or tampered with
 */
export function unsign(token, secret) {
  if (!token) return undefined;
  const dot = token.lastIndexOf('.');
  if (dot < 0) return undefined;
  const payload = token.slice(0, dot);
  const expected = crypto.createHmac('sha256', secret).update(payload).digest();
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
    return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** @param {unknown} value */
export function escapeHtml(value) {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/**
 * The HTML shell of every lab page: inline CSS only, nothing fetched from the internet, and a
 * data-page attribute on <body> so scripts and tests can tell the pages apart.
 * @param {{ title: string, brand: string, accent: string, page: string, body: string, head?: string }} p
 */
export function htmlPage({ title, brand, accent, page, body, head = '' }) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2129; }
  header { background: ${accent}; color: #fff; padding: 12px 24px; font-weight: 600; }
  main { max-width: 560px; margin: 32px auto; background: #fff; padding: 24px 32px;
         border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  label { display: block; margin: 12px 0 4px; }
  input[type=text], input[type=password], input[type=email] { width: 100%; padding: 8px;
         box-sizing: border-box; }
  button { margin-top: 16px; padding: 8px 16px; border: 0; border-radius: 4px;
           background: ${accent}; color: #fff; cursor: pointer; font-size: 1em; }
  button.secondary { background: #6b7280; }
  button.facebook { background: #1877f2; }
  .error { color: #b00020; }
  pre { background: #f4f5f7; padding: 12px; overflow: auto; }
  nav a { margin-right: 12px; }
</style>
${head}
</head>
<body data-page="${escapeHtml(page)}">
<header>${escapeHtml(brand)}</header>
<main>
${body}
</main>
</body>
</html>`;
}
