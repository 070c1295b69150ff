// A tiny browser stand-in for Node: fetch with manual redirects, a per-host cookie jar and a
// form reader. Enough to walk the lab's flows in unit tests without a browser, and to list the
// hops as a browser would see them. It ignores SameSite (every cookie is sent) and runs no
// scripts: auto-submitting pages (form_post, the logout confirmation) must be submitted by hand.
import { installLocalhostResolver } from './localhost-dns.mjs';

/**
 * @typedef {object} Hop
 * @property {string} method
 * @property {string} url
 * @property {number} status
 * @property {string} [location]     absolute redirect target
 * @property {string[]} setCookies   raw Set-Cookie values of this response
 * @property {string} [cookie]       the Cookie header sent
 */

/**
 * @typedef {object} StoredCookie
 * @property {string} name
 * @property {string} value
 * @property {string} host
 * @property {string} path
 * @property {Record<string, string | true>} attributes  lower-cased attribute names
 */

export function createHttpClient() {
  installLocalhostResolver();
  /** @type {StoredCookie[]} */
  let jar = [];

  /** @param {string} host @param {string} raw */
  const store = (host, raw) => {
    const [pair = '', ...attrs] = raw.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    /** @type {Record<string, string | true>} */
    const attributes = {};
    for (const a of attrs) {
      const i = a.indexOf('=');
      if (i < 0) attributes[a.trim().toLowerCase()] = true;
      else attributes[a.slice(0, i).trim().toLowerCase()] = a.slice(i + 1).trim();
    }
    const path = typeof attributes.path === 'string' ? attributes.path : '/';
    jar = jar.filter((c) => !(c.name === name && c.host === host && c.path === path));
    const maxAge =
      typeof attributes['max-age'] === 'string' ? Number(attributes['max-age']) : undefined;
    const expires =
      typeof attributes.expires === 'string' ? Date.parse(attributes.expires) : undefined;
    const expired =
      (maxAge !== undefined && maxAge <= 0) || (expires !== undefined && expires <= Date.now());
    if (!expired) jar.push({ name, value, host, path, attributes });
  };

  /** @param {URL} url */
  const cookieHeader = (url) =>
    jar
      .filter(
        (c) =>
          c.host === url.hostname &&
          (url.pathname === c.path ||
            url.pathname.startsWith(c.path.endsWith('/') ? c.path : c.path + '/')),
      )
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');

  /**
   * Requests a URL and follows redirects like a browser navigation.
   * @param {string} url
   * @param {{ method?: string, form?: Record<string, string> }} [init]
   * @returns {Promise<{ url: string, status: number, body: string, hops: Hop[] }>}
   */
  async function navigate(url, init = {}) {
    /** @type {Hop[]} */
    const hops = [];
    let current = new URL(url);
    let method = init.method ?? (init.form ? 'POST' : 'GET');
    let body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    for (let i = 0; i < 20; i++) {
      const cookie = cookieHeader(current);
      /** @type {Record<string, string>} */
      const headers = {};
      if (cookie) headers.cookie = cookie;
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await fetch(current, { method, headers, body, redirect: 'manual' });
      const setCookies = res.headers.getSetCookie();
      for (const sc of setCookies) store(current.hostname, sc);
      const location = res.headers.get('location');
      /** @type {Hop} */
      const hop = { method, url: current.href, status: res.status, setCookies };
      if (cookie) hop.cookie = cookie;
      if (location && res.status >= 300 && res.status < 400) {
        hop.location = new URL(location, current).href;
        hops.push(hop);
        await res.arrayBuffer();
        current = new URL(hop.location);
        if (res.status !== 307 && res.status !== 308) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      hops.push(hop);
      return { url: current.href, status: res.status, body: await res.text(), hops };
    }
    throw new Error(`Too many redirects from ${url}`);
  }

  /**
   * Reads a form out of an HTML page and submits it with extra values (like a person typing),
   * resolving its action against the page's URL.
   * @param {{ url: string, body: string }} page
   * @param {string | undefined} formId  the form's id; the first form when undefined
   * @param {Record<string, string>} [values]
   */
  async function submit(page, formId, values = {}) {
    const form = readForm(page.body, formId);
    if (!form) throw new Error(`No form ${formId ?? ''} on ${page.url}`);
    return navigate(new URL(form.action || page.url, page.url).href, {
      method: form.method,
      form: { ...form.fields, ...values },
    });
  }

  return {
    navigate,
    submit,
    /** Cookies stored for a host, name -> value (host-only cookies, as the lab sets them). */
    cookies: (/** @type {string} */ host) =>
      Object.fromEntries(jar.filter((c) => c.host === host).map((c) => [c.name, c.value])),
    /** Every stored cookie with its attributes. */
    jar: () => jar.map((c) => ({ ...c })),
  };
}

/**
 * @param {string} html
 * @param {string} [id]
 * @returns {{ action: string, method: string, fields: Record<string, string> } | undefined}
 */
export function readForm(html, id) {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
  const match = forms.find((m) => id === undefined || attr(m[1] ?? '', 'id') === id);
  if (!match) return undefined;
  /** @type {Record<string, string>} */
  const fields = {};
  for (const input of (match[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
    const name = attr(input[1] ?? '', 'name');
    if (name) fields[name] = attr(input[1] ?? '', 'value') ?? '';
  }
  return {
    action: attr(match[1] ?? '', 'action') ?? '',
    method: (attr(match[1] ?? '', 'method') ?? 'GET').toUpperCase(),
    fields,
  };
}

/** @param {string} attrs @param {string} name */
function attr(attrs, name) {
  const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  if (!m) return undefined;
  return decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
}

/** @param {string} s */
function decodeEntities(s) {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
