import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importAny } from '@/lib/io/detect';
import type { ImportResult } from '@/lib/io/types';
import type { Exchange } from '@/lib/model';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LAB_FIXTURES = `${ROOT}tests/fixtures/lab/`;

/** Every recorded lab HAR, imported. */
export function labHars(): { name: string; result: ImportResult }[] {
  return readdirSync(LAB_FIXTURES)
    .filter((name) => name.endsWith('.har'))
    .sort()
    .map((name) => ({ name, result: importAny(readFileSync(LAB_FIXTURES + name, 'utf8'), name) }));
}

/**
 * The lab's own credentials, read from its code (not copied here): the users' passwords and the
 * registered clients' secrets.
 */
export function labCodeSecrets(): string[] {
  const out = new Set<string>();
  for (const file of readdirSync(`${ROOT}lab`).filter((f) => f.endsWith('.mjs'))) {
    const code = readFileSync(`${ROOT}lab/${file}`, 'utf8');
    for (const m of code.matchAll(/\b(?:password|clientSecret|client_secret)\s*:\s*'([^']+)'/g)) {
      if (m[1]) out.add(m[1]);
    }
  }
  return [...out];
}

/**
 * Parameter and field names whose values this test counts as secret: an independent list, so
 * the proof does not lean on the implementation's own.
 */
const SECRET_PARAM =
  /^(?:code|state|nonce|code_verifier|code_challenge|client_secret|client_assertion|assertion|password|pass|passwd|xsrf|csrf|_csrf|sid|session_state|id_token|access_token|refresh_token|id_token_hint|logout_token|request|samlrequest|samlresponse|relaystate|signature|wresult|wctx)$/i;

const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+/g;

function paramsOf(url: string): [string, string][] {
  const out: [string, string][] = [];
  const hashAt = url.indexOf('#');
  const main = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = main.indexOf('?');
  if (queryAt !== -1) out.push(...new URLSearchParams(main.slice(queryAt + 1)));
  if (hashAt !== -1) out.push(...new URLSearchParams(url.slice(hashAt + 1)));
  return out;
}

function urlsOf(x: Exchange): string[] {
  const urls = [x.url];
  if (x.redirectUrl) urls.push(x.redirectUrl);
  for (const h of [...x.requestHeaders, ...x.responseHeaders]) {
    if (/^(?:location|referer|content-location)$/i.test(h.name)) urls.push(h.value);
  }
  return urls;
}

interface Found {
  add(value: string, kind?: string): void;
}

function jsonSecrets(value: unknown, out: Found, secretKey = false): void {
  if (typeof value === 'string' || typeof value === 'number') {
    if (secretKey) out.add(String(value), 'json');
  } else if (Array.isArray(value)) {
    for (const item of value) jsonSecrets(item, out, secretKey);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      jsonSecrets(item, out, secretKey || SECRET_PARAM.test(key) || /token|secret/i.test(key));
    }
  }
}

/**
 * Every secret a recorded trace holds, found by walking its records: secret query and fragment
 * parameters of every URL, secret and password form fields, every cookie value (Cookie,
 * Set-Cookie, cookie events), credentials of Authorization headers, secret keys of JSON bodies,
 * hidden inputs with secret names in HTML, and every JWT (whole and its signature). Values
 * shorter than 4 characters are left out (they cannot be told from ordinary text).
 */
export function collectSecrets(result: ImportResult): Set<string> {
  return new Set(collectSecretsByKind(result).keys());
}

/** collectSecrets, each value with where it was first found ('param:code', 'cookie', 'jwt', ...). */
export function collectSecretsByKind(result: ImportResult): Map<string, string> {
  const byKind = new Map<string, string>();
  const found = {
    add(value: string, kind = 'other') {
      if (value.length >= 4 && !byKind.has(value)) byKind.set(value, kind);
    },
  };
  for (const x of result.exchanges) {
    for (const url of urlsOf(x)) {
      for (const [name, value] of paramsOf(url)) {
        if (SECRET_PARAM.test(name)) found.add(value, `param:${name}`);
      }
    }
    const body = x.requestBody;
    if (body?.kind === 'form') {
      for (const [name, value] of body.fields) {
        if (SECRET_PARAM.test(name) || /pass|secret|token$/i.test(name)) {
          found.add(value, `form:${name}`);
        }
      }
    } else if (body?.kind === 'raw') {
      try {
        jsonSecrets(JSON.parse(body.text), found);
      } catch {
        for (const [name, value] of new URLSearchParams(body.text)) {
          if (SECRET_PARAM.test(name)) found.add(value, `body:${name}`);
        }
      }
    }
    for (const h of x.requestHeaders) {
      const name = h.name.toLowerCase();
      if (name === 'cookie') {
        for (const part of h.value.split(';')) {
          found.add(part.slice(part.indexOf('=') + 1).trim(), 'cookie');
        }
      } else if (name === 'authorization' || name === 'proxy-authorization') {
        found.add(h.value.replace(/^\S+\s+/, ''), 'authorization');
      }
    }
    for (const h of x.responseHeaders) {
      if (h.name.toLowerCase() === 'set-cookie') {
        const pair = h.value.split(';')[0] ?? '';
        found.add(pair.slice(pair.indexOf('=') + 1).trim(), 'set-cookie');
      }
    }
  }
  for (const e of result.cookieEvents) found.add(e.cookie.value, 'cookie-event');
  for (const body of Object.values(result.responseBodies)) {
    try {
      jsonSecrets(JSON.parse(body), found);
    } catch {
      for (const m of body.matchAll(/<input\b[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"/g)) {
        if (m[1] && m[2] && SECRET_PARAM.test(m[1])) found.add(m[2], `input:${m[1]}`);
      }
    }
  }
  const everything = JSON.stringify(result.exchanges) + JSON.stringify(result.responseBodies);
  for (const m of everything.matchAll(JWT)) {
    found.add(m[0], 'jwt');
    found.add(m[0].split('.')[2] ?? '', 'jwt-signature');
  }
  return byKind;
}
