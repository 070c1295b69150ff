import { DEFAULT_MAX_BODY_BYTES } from '../capture/body';
import { headerValue, headerValues } from '../capture/headers';
import { InputFormatError } from '../errors';
import type { Exchange, Header, RequestBody } from '../model';
import {
  anyCookieHeader,
  capUtf8,
  guessFrameType,
  linkRedirectChains,
  parseTimestamp,
  parseUrlencoded,
  readHeaders,
  redirectTarget,
} from './common';
import { parseJsonInput } from './json';
import type { ImportInput, ParseOptions } from './json';
import type { ImportResult, SamlTracerMessage } from './types';
import {
  at,
  describeValue,
  fail,
  isObject,
  own,
  readArray,
  readObject,
  readString,
} from './validate';
import type { JsonObject } from './validate';

/** SAML-tracer's "Mask values" marker: SHA-256 (or the legacy add-on's SHA-1) in hex. */
const MASK_MARKER = /\{hash:[0-9a-f]{40}(?:[0-9a-f]{24})?\}/;
/** SAML-tracer's "Remove values" marker. */
const REMOVE_MARKER = /\{obf:alternative_\d+\}/;
/** What both profiles put in place of `postData`. */
const OVERWRITTEN = '{overwritten}';

/**
 * True when a value is (or holds) one of SAML-tracer's redaction markers ("{hash:…}",
 * "{obf:alternative_n}", "{overwritten}"). Such values are only good for equality.
 */
export function isSamlTracerRedaction(value: string): boolean {
  return value === OVERWRITTEN || MASK_MARKER.test(value) || REMOVE_MARKER.test(value);
}

/**
 * Reads a SAML-tracer export (the WebExtension format, v1.0 and later, and the legacy 0.x
 * add-on format) into exchanges, one per request object, in file order. Redirect hops share the
 * file's requestId and get their `hop` from the redirecting hop's Location. Set-Cookie values
 * Firefox joined with "\n" are split. Form bodies come from `post` (or `postData`); the decoded
 * SAML / WS-Fed message of each request is returned in `samlMessages`.
 *
 * Does not: invent times (the file has none: every request is dated at the export timestamp,
 * 1 ms apart in file order), recover masked or removed values (they are kept as the markers
 * they are, for equality only; a warning says so), or see bodies SAML-tracer does not export
 * (non-form request bodies, all response bodies).
 *
 * @throws InputFormatError naming the first bad path when the file is not a SAML-tracer export.
 * @throws InputTooLargeError over the size limit.
 */
export function importSamlTracer(input: ImportInput, options?: ParseOptions): ImportResult {
  return samlTracerFromJson(parseJsonInput(input, options));
}

/** importSamlTracer on an already parsed JSON value. */
export function samlTracerFromJson(root: unknown): ImportResult {
  if (!isObject(root)) {
    throw new InputFormatError(
      'not a SAML-tracer export: expected an object with a requests array at the top level, ' +
        describeValue(root),
    );
  }
  const requests = own(root, 'requests');
  if (requests === undefined) {
    throw new InputFormatError('not a SAML-tracer export: requests is missing');
  }
  const list = readArray(requests, 'requests');
  const warnings: string[] = [];

  const first = list[0];
  const legacy =
    isObject(first) &&
    own(first, 'requestId') === undefined &&
    Array.isArray(own(first, 'requestHeaders')) &&
    Array.isArray((own(first, 'requestHeaders') as unknown[])[0]);

  const timestamp = own(root, 'timestamp');
  let base = parseTimestamp(timestamp);
  if (base === undefined) {
    base = 0;
    warnings.push('The export has no valid timestamp: requests are dated from 1970-01-01.');
  }

  const samlMessages: Record<string, SamlTracerMessage> = {};
  const seen = { masked: false, removed: false, unavailableBodies: 0 };
  let allHaveIds = true;
  const exchanges = list.map((item, index) => {
    const { exchange, hadId } = readRequest(item, index, base, samlMessages, seen);
    if (!hadId) allHaveIds = false;
    return exchange;
  });
  linkRedirectChains(exchanges, { sameRequestId: allHaveIds, sameTab: false });

  if (list.length === 0) warnings.push('The export has no requests.');
  warnings.push(
    'SAML-tracer exports have no per-request times: every request is dated at the export ' +
      'time, 1 ms apart in file order.',
  );
  if (seen.masked) {
    warnings.push(
      'Values were masked by SAML-tracer\'s "Mask values" profile ({hash:…}): cookie and form ' +
        'values can only be compared for equality, and masked Cookie/Set-Cookie headers may ' +
        'miss or reorder cookies.',
    );
  }
  if (seen.removed) {
    warnings.push(
      'Values were removed by SAML-tracer\'s "Remove values" profile ({obf:alternative_n}): ' +
        'cookie and form values can only be compared for equality.',
    );
  }
  if (seen.unavailableBodies > 0) {
    warnings.push(
      `${seen.unavailableBodies} request ${seen.unavailableBodies === 1 ? 'body is' : 'bodies are'} ` +
        'not in the export (SAML-tracer keeps form bodies only, and no response bodies).',
    );
  }

  return {
    exchanges,
    cookieEvents: [],
    source: {
      format: 'saml-tracer',
      producer: legacy ? 'SAML-tracer (legacy 0.x format)' : 'SAML-tracer',
      cookiesVisible: anyCookieHeader(exchanges),
      bodiesVisible: false,
    },
    warnings,
    responseBodies: {},
    samlMessages,
  };
}

interface Seen {
  masked: boolean;
  removed: boolean;
  unavailableBodies: number;
}

function readRequest(
  item: unknown,
  index: number,
  base: number,
  samlMessages: Record<string, SamlTracerMessage>,
  seen: Seen,
): { exchange: Exchange; hadId: boolean } {
  const path = `requests[${index}]`;
  const request = readObject(item, path);
  const method = readString(own(request, 'method'), at(path, 'method'));
  const url = readString(own(request, 'url'), at(path, 'url'));
  if (url.trim() === '') {
    throw new InputFormatError(`${at(path, 'url')}: expected a URL, found an empty string`);
  }
  const fileId = own(request, 'requestId') ?? own(request, 'id');
  const hadId =
    (typeof fileId === 'string' && fileId !== '') ||
    (typeof fileId === 'number' && Number.isFinite(fileId));
  const requestHeaders = readHeaders(own(request, 'requestHeaders'), at(path, 'requestHeaders'));
  const responseHeaders = readHeaders(own(request, 'responseHeaders'), at(path, 'responseHeaders'));
  const status = readStatus(own(request, 'responseStatus'), at(path, 'responseStatus'));
  const startedAt = base + index;
  const id = `saml-tracer.${index}`;

  const exchange: Exchange = {
    id,
    requestId: hadId ? String(fileId) : `#${index}`,
    hop: 0,
    startedAt,
    tabId: -1,
    frameId: 0,
    parentFrameId: -1,
    type: guessFrameType(requestHeaders, responseHeaders, status),
    method,
    url,
    requestHeaders,
    status,
    responseHeaders,
    timings: { start: startedAt },
  };
  const body = readBody(request, path, method, requestHeaders, seen);
  if (body) exchange.requestBody = body;
  const statusText = own(request, 'responseStatusText');
  if (status > 0 && typeof statusText === 'string') {
    // The current format keeps the whole status line, the legacy one the reason phrase.
    exchange.statusLine = /^HTTP\//i.test(statusText)
      ? statusText.trim()
      : `${status} ${statusText}`.trim();
  }
  const redirect = redirectTarget(status, url, responseHeaders);
  if (redirect) exchange.redirectUrl = redirect;

  const message = readMessage(request, path);
  if (message) samlMessages[id] = message;
  noteRedaction(exchange, seen);
  return { exchange, hadId };
}

function readStatus(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'a number', value);
  return Math.max(0, Math.trunc(value));
}

/** A form body from `post` (pairs) or `postData` (an object of value lists, or legacy raw text). */
function readBody(
  request: JsonObject,
  path: string,
  method: string,
  requestHeaders: Header[],
  seen: Seen,
): RequestBody | undefined {
  const post = own(request, 'post');
  const postData = own(request, 'postData');
  if (post !== undefined && post !== null) {
    const pairs = readArray(post, at(path, 'post'));
    if (pairs.length > 0) {
      const fields = pairs.map((pair, index): [string, string] => {
        const pairPath = at(at(path, 'post'), index);
        const [name, value] = readArray(pair, pairPath);
        return [text(name, at(pairPath, 0)), text(value, at(pairPath, 1))];
      });
      return { kind: 'form', fields };
    }
  }
  if (isObject(postData)) {
    const fields: [string, string][] = [];
    for (const [name, values] of Object.entries(postData)) {
      const list = Array.isArray(values) ? values : [values];
      list.forEach((value, index) => {
        fields.push([name, text(value, at(at(at(path, 'postData'), name), index))]);
      });
    }
    if (fields.length > 0) return { kind: 'form', fields };
  } else if (typeof postData === 'string' && postData !== '' && postData !== OVERWRITTEN) {
    // Legacy: the raw body.
    const contentType = headerValue(requestHeaders, 'content-type') ?? '';
    if (contentType.toLowerCase().includes('application/x-www-form-urlencoded')) {
      return { kind: 'form', fields: parseUrlencoded(postData) };
    }
    const cut = capUtf8(postData, DEFAULT_MAX_BODY_BYTES);
    return { kind: 'raw', text: cut.text, encoding: 'utf8', truncated: cut.truncated };
  }
  if (/^(POST|PUT|PATCH)$/i.test(method)) {
    seen.unavailableBodies += 1;
    return {
      kind: 'unavailable',
      reason:
        postData === OVERWRITTEN
          ? 'removed by the SAML-tracer export profile'
          : 'SAML-tracer exports only form bodies',
    };
  }
  return undefined;
}

function text(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(path, 'a string', value);
}

function readMessage(request: JsonObject, path: string): SamlTracerMessage | undefined {
  const protocolValue = own(request, 'protocol');
  const saml = own(request, 'saml');
  const samlart = own(request, 'samlart');
  const xml = typeof saml === 'string' && saml !== '' ? saml : null;
  if (saml !== undefined && saml !== null && typeof saml !== 'string') {
    fail(at(path, 'saml'), 'a string or null', saml);
  }
  let protocol: SamlTracerMessage['protocol'] | undefined;
  if (protocolValue === 'SAML-P' || protocolValue === 'WS-Fed') protocol = protocolValue;
  else if (xml !== null || typeof samlart === 'string') {
    // Legacy exports have no protocol member.
    protocol = /wresult|wsignin|RequestSecurityTokenResponse/.test(xml ?? '') ? 'WS-Fed' : 'SAML-P';
  }
  if (!protocol) return undefined;
  const message: SamlTracerMessage = { protocol, xml };
  if (typeof samlart === 'string' && samlart !== '') message.artifact = samlart;
  return message;
}

function noteRedaction(exchange: Exchange, seen: Seen): void {
  const values = [
    ...headerValues(exchange.requestHeaders, 'cookie'),
    ...headerValues(exchange.responseHeaders, 'set-cookie'),
    ...(exchange.requestBody?.kind === 'form'
      ? exchange.requestBody.fields.flatMap(([name, value]) => [name, value])
      : []),
  ];
  for (const value of values) {
    if (MASK_MARKER.test(value)) seen.masked = true;
    if (REMOVE_MARKER.test(value)) seen.removed = true;
  }
}
