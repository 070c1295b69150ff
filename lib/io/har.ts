import { DEFAULT_MAX_BODY_BYTES } from '../capture/body';
import { headerValue } from '../capture/headers';
import { InputFormatError } from '../errors';
import type { Exchange, ExchangeTimings, FrameType, Header, RequestBody } from '../model';
import {
  MAX_RESPONSE_BODY_BYTES,
  anyCookieHeader,
  capUtf8,
  guessFrameType,
  lacksOffset,
  linkRedirectChains,
  originOf,
  parseTimestamp,
  parseUrlencoded,
  readHeaders,
  redirectTarget,
} from './common';
import { parseJsonInput } from './json';
import type { ImportInput, ParseOptions } from './json';
import type { ImportResult } from './types';
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

/** Chrome's `_resourceType` (DevTools, chrome-har) as a webRequest resource type. */
const RESOURCE_TYPES: Record<string, FrameType> = {
  document: 'main_frame',
  stylesheet: 'stylesheet',
  image: 'image',
  media: 'media',
  texttrack: 'media',
  font: 'font',
  script: 'script',
  xhr: 'xmlhttprequest',
  fetch: 'xmlhttprequest',
  eventsource: 'xmlhttprequest',
  preflight: 'xmlhttprequest',
  websocket: 'websocket',
  ping: 'ping',
  cspviolationreport: 'csp_report',
  manifest: 'other',
  signedexchange: 'other',
  prefetch: 'other',
  other: 'other',
};

/**
 * Reads a HAR 1.1 or 1.2 file (Chrome and Firefox DevTools, Playwright, chrome-har, Firebug and
 * other producers) into exchanges, one per entry: a redirect hop is its own entry, linked into
 * its chain (`hop`, shared `requestId`) by its redirect target. Strips a byte-order mark,
 * splits "\n"-joined Set-Cookie values, drops HTTP/2 pseudo-headers, reads dates with their
 * offsets, and keeps text response bodies (decoded from base64) in `responseBodies`.
 *
 * Does not: produce cookie events (a HAR has no cookie-jar history), know real tab or frame ids
 * (`tabId` is a small number per HAR page, or -1; `frameId` is 0), or trust the cookie arrays
 * (the headers are authoritative). Chrome's "307 Internal Redirect" HSTS hops are kept as they
 * are.
 *
 * @throws InputFormatError naming the first bad path when the file is not a HAR.
 * @throws InputTooLargeError over the size limit.
 */
export function importHar(input: ImportInput, options?: ParseOptions): ImportResult {
  return harFromJson(parseJsonInput(input, options));
}

/** importHar on an already parsed JSON value. */
export function harFromJson(root: unknown): ImportResult {
  if (!isObject(root)) {
    throw new InputFormatError(
      `not a HAR: expected an object with log.entries at the top level, ${describeValue(root)}`,
    );
  }
  const log = own(root, 'log');
  if (log === undefined) throw new InputFormatError('not a HAR: log.entries is missing');
  const logObject = readObject(log, 'log');
  const entries = own(logObject, 'entries');
  if (entries === undefined) throw new InputFormatError('not a HAR: log.entries is missing');
  const list = readArray(entries, 'log.entries');

  const warnings: string[] = [];
  const version = own(logObject, 'version');
  if (typeof version === 'string' && version !== '' && !/^1\.[12]$/.test(version)) {
    warnings.push(`HAR version ${version} is not 1.1 or 1.2; it was read as 1.2.`);
  }

  const pages = new Map<string, number>();
  const pageList = own(logObject, 'pages');
  if (Array.isArray(pageList)) {
    pageList.forEach((page) => {
      const id = isObject(page) ? own(page, 'id') : undefined;
      if (typeof id === 'string' && !pages.has(id)) pages.set(id, pages.size + 1);
    });
  }

  const state: EntryState = {
    pages,
    responseBodies: {},
    counts: {
      noResponse: 0,
      badDate: 0,
      noOffset: 0,
      unknownPage: 0,
      cutBodies: 0,
      badBase64: 0,
    },
    anyCookieArray: false,
    anyBody: false,
    lastStart: 0,
  };
  const exchanges = list.map((item, index) => readEntry(item, index, state));
  linkRedirectChains(exchanges, { sameRequestId: false, sameTab: false });

  const { counts } = state;
  const cookiesVisible = state.anyCookieArray || anyCookieHeader(exchanges);
  if (exchanges.length === 0) warnings.push('The HAR has no entries.');
  else if (!cookiesVisible) {
    const creator = own(logObject, 'creator');
    const chrome = isObject(creator) && own(creator, 'name') === 'WebInspector';
    warnings.push(
      'No cookies in this file: no Cookie or Set-Cookie header and empty cookie arrays. ' +
        (chrome
          ? 'Chrome exports HARs sanitized by default ("Export HAR (sanitized)"), so the cookies ' +
            'were probably left out: sessions cannot be followed through cookies.'
          : 'Either none were sent or the export left them out.'),
    );
  }
  if (counts.noResponse) {
    warnings.push(`${plural(counts.noResponse, 'entry has', 'entries have')} no response object.`);
  }
  if (counts.badDate) {
    warnings.push(
      `${plural(counts.badDate, 'entry has', 'entries have')} no valid startedDateTime; the ` +
        'time of the entry before was used.',
    );
  }
  if (counts.noOffset) {
    warnings.push(
      `${plural(counts.noOffset, 'date has', 'dates have')} no time zone offset; read as UTC.`,
    );
  }
  if (counts.unknownPage) {
    warnings.push(
      `${plural(counts.unknownPage, 'entry refers', 'entries refer')} to a page that is not in ` +
        'log.pages (tabId -1).',
    );
  }
  if (counts.cutBodies) {
    warnings.push(
      `${plural(counts.cutBodies, 'response body was', 'response bodies were')} cut at ` +
        `${MAX_RESPONSE_BODY_BYTES / 1024} KiB.`,
    );
  }
  if (counts.badBase64) {
    warnings.push(
      `${plural(
        counts.badBase64,
        'response body is not valid base64 and was',
        'response bodies are not valid base64 and were',
      )} left out.`,
    );
  }

  return {
    exchanges,
    cookieEvents: [],
    source: {
      format: 'har',
      ...producerOf(logObject),
      cookiesVisible,
      bodiesVisible: state.anyBody,
    },
    warnings,
    responseBodies: state.responseBodies,
  };
}

interface EntryState {
  pages: Map<string, number>;
  responseBodies: Record<string, string>;
  counts: {
    noResponse: number;
    badDate: number;
    noOffset: number;
    unknownPage: number;
    cutBodies: number;
    badBase64: number;
  };
  anyCookieArray: boolean;
  anyBody: boolean;
  lastStart: number;
}

function readEntry(item: unknown, index: number, state: EntryState): Exchange {
  const path = `log.entries[${index}]`;
  const entry = readObject(item, path);
  const requestPath = at(path, 'request');
  const request = readObject(own(entry, 'request'), requestPath);
  const url = readString(own(request, 'url'), at(requestPath, 'url'));
  if (url.trim() === '') {
    throw new InputFormatError(`${at(requestPath, 'url')}: expected a URL, found an empty string`);
  }
  const method = readString(own(request, 'method'), at(requestPath, 'method'));
  const requestHeaders = readHeaders(own(request, 'headers'), at(requestPath, 'headers'));
  if (nonEmptyArray(own(request, 'cookies'))) state.anyCookieArray = true;

  const responseValue = own(entry, 'response');
  const responsePath = at(path, 'response');
  let response: JsonObject = {};
  if (responseValue === undefined || responseValue === null) state.counts.noResponse += 1;
  else response = readObject(responseValue, responsePath);
  const status = readStatus(own(response, 'status'), at(responsePath, 'status'));
  const responseHeaders = readHeaders(own(response, 'headers'), at(responsePath, 'headers'));
  if (nonEmptyArray(own(response, 'cookies'))) state.anyCookieArray = true;

  const startedDateTime = own(entry, 'startedDateTime');
  let startedAt = parseTimestamp(startedDateTime);
  if (startedAt === undefined) {
    state.counts.badDate += 1;
    startedAt = state.lastStart;
  } else if (lacksOffset(startedDateTime)) state.counts.noOffset += 1;
  state.lastStart = startedAt;

  const id = `har.${index}`;
  const content = own(response, 'content');
  const mimeType = isObject(content) ? stringOr(own(content, 'mimeType')) : undefined;
  const exchange: Exchange = {
    id,
    requestId: readRequestId(own(entry, '_requestId')) ?? String(index),
    hop: 0,
    startedAt,
    tabId: tabOf(own(entry, 'pageref'), state),
    frameId: 0,
    parentFrameId: -1,
    type: typeOf(own(entry, '_resourceType'), requestHeaders, responseHeaders, status, mimeType),
    method,
    url,
    requestHeaders,
    status,
    responseHeaders,
    timings: readTimings(entry, startedAt),
  };

  const initiator = initiatorOf(own(entry, '_initiator'));
  if (initiator) exchange.initiator = initiator;
  const body = readPostData(own(request, 'postData'), at(requestPath, 'postData'));
  if (body) exchange.requestBody = body;
  if (status > 0) {
    const version = stringOr(own(response, 'httpVersion'))?.trim();
    const text = stringOr(own(response, 'statusText'))?.trim();
    exchange.statusLine = [version, String(status), text].filter(Boolean).join(' ');
  }
  const redirect = redirectTarget(
    status,
    url,
    responseHeaders,
    stringOr(own(response, 'redirectURL')),
  );
  if (redirect) exchange.redirectUrl = redirect;
  const ip = stringOr(own(entry, 'serverIPAddress'))
    ?.trim()
    .replace(/^\[(.*)\]$/, '$1');
  if (ip) exchange.ip = ip;
  if (isFromCache(entry, response, status, ip)) exchange.fromCache = true;
  const error = stringOr(own(entry, '_error')) ?? stringOr(own(response, '_error'));
  if (error) exchange.error = error;

  if (isObject(content)) readContent(content, id, state);
  return exchange;
}

function readStatus(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) fail(path, 'a number', value);
  return Math.max(0, Math.trunc(number));
}

function readRequestId(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function tabOf(pageref: unknown, state: EntryState): number {
  if (typeof pageref !== 'string') return -1;
  const tab = state.pages.get(pageref);
  if (tab === undefined) {
    state.counts.unknownPage += 1;
    return -1;
  }
  return tab;
}

function typeOf(
  resourceType: unknown,
  requestHeaders: Header[],
  responseHeaders: Header[],
  status: number,
  mimeType: string | undefined,
): FrameType {
  const key = typeof resourceType === 'string' ? resourceType.toLowerCase() : '';
  const mapped = Object.hasOwn(RESOURCE_TYPES, key) ? RESOURCE_TYPES[key] : undefined;
  if (mapped === 'main_frame') {
    const dest = headerValue(requestHeaders, 'sec-fetch-dest')?.toLowerCase();
    return dest === 'iframe' || dest === 'frame' ? 'sub_frame' : 'main_frame';
  }
  return mapped ?? guessFrameType(requestHeaders, responseHeaders, status, mimeType);
}

/** HAR timings (ms, -1 when not applicable) as points in time. */
function readTimings(entry: JsonObject, start: number): ExchangeTimings {
  const timings: ExchangeTimings = { start };
  const phases = own(entry, 'timings');
  const total = positive(own(entry, 'time'));
  if (isObject(phases)) {
    const phase = (name: string): number => positive(own(phases, name)) ?? 0;
    const sent = start + phase('blocked') + phase('dns') + phase('connect') + phase('send');
    const headersReceived = sent + phase('wait');
    if (Number.isFinite(sent)) timings.sent = sent;
    if (Number.isFinite(headersReceived)) timings.headersReceived = headersReceived;
    const end = headersReceived + phase('receive');
    if (Number.isFinite(end)) timings.end = end;
  }
  if (total !== undefined && Number.isFinite(start + total)) timings.end = start + total;
  return timings;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function initiatorOf(value: unknown): string | undefined {
  if (typeof value === 'string') return originOf(value);
  if (isObject(value)) {
    const url = own(value, 'url');
    if (typeof url === 'string') return originOf(url);
  }
  return undefined;
}

function isFromCache(
  entry: JsonObject,
  response: JsonObject,
  status: number,
  ip: string | undefined,
): boolean {
  const flag = own(entry, '_fromCache');
  if (flag === true || (typeof flag === 'string' && flag !== '')) return true;
  // Firefox writes cache hits with an empty httpVersion and no server address.
  return status > 0 && own(response, 'httpVersion') === '' && !ip;
}

/**
 * A HAR postData as a RequestBody: urlencoded text parsed into fields (it is authoritative:
 * Firefox leaves `params` empty), else `params`, else the text as a raw body. Empty postData
 * (Firefox 43/47 add one to every GET) is no body.
 */
function readPostData(value: unknown, path: string): RequestBody | undefined {
  if (value === undefined || value === null) return undefined;
  const postData = readObject(value, path);
  const mimeType = (stringOr(own(postData, 'mimeType')) ?? '').toLowerCase();
  const text = stringOr(own(postData, 'text')) ?? '';
  const paramsValue = own(postData, 'params');
  const params = paramsValue === undefined || paramsValue === null ? [] : paramsValue;
  const list = readArray(params, at(path, 'params'));
  if (mimeType.includes('application/x-www-form-urlencoded') && text !== '') {
    return { kind: 'form', fields: parseUrlencoded(text) };
  }
  if (list.length > 0) {
    const fields = list.map((param, index): [string, string] => {
      const paramPath = at(at(path, 'params'), index);
      const object = readObject(param, paramPath);
      const name = readString(own(object, 'name'), at(paramPath, 'name'));
      const fieldValue = stringOr(own(object, 'value'));
      const fileName = stringOr(own(object, 'fileName'));
      return [name, fieldValue ?? (fileName ? `[file ${fileName}]` : '')];
    });
    return { kind: 'form', fields };
  }
  if (text === '') return undefined;
  const cut = capUtf8(text, DEFAULT_MAX_BODY_BYTES);
  return { kind: 'raw', text: cut.text, encoding: 'utf8', truncated: cut.truncated };
}

const TEXT_MIME = /^text\/|json|xml|javascript|ecmascript|x-www-form-urlencoded/;

function readContent(content: JsonObject, id: string, state: EntryState): void {
  const text = own(content, 'text');
  if (typeof text !== 'string' || text === '') return;
  state.anyBody = true;
  const mimeType = (stringOr(own(content, 'mimeType')) ?? '').toLowerCase().trim();
  const known = mimeType !== '' && mimeType !== 'x-unknown';
  if (known && (/^(image|audio|video|font)\//.test(mimeType) || !TEXT_MIME.test(mimeType))) {
    return;
  }
  let body = text;
  if (own(content, 'encoding') === 'base64') {
    const decoded = decodeBase64Text(text);
    if (decoded === 'invalid') {
      state.counts.badBase64 += 1;
      return;
    }
    if (decoded === undefined) return;
    body = decoded;
  }
  if (!known && body.includes('\u0000')) return;
  const cut = capUtf8(body, MAX_RESPONSE_BODY_BYTES);
  if (cut.truncated) state.counts.cutBodies += 1;
  if (cut.text !== '') state.responseBodies[id] = cut.text;
}

/** UTF-8 text of a base64 body; undefined when it is binary, 'invalid' when not base64. */
function decodeBase64Text(base64: string): string | undefined | 'invalid' {
  let compact = base64.replace(/\s+/g, '');
  const limit = Math.ceil(MAX_RESPONSE_BODY_BYTES / 3) * 4;
  const cut = compact.length > limit;
  if (cut) compact = compact.slice(0, limit);
  let binary: string;
  try {
    binary = atob(compact);
  } catch {
    return 'invalid';
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  try {
    // A cut may split a character: only then is a broken tail tolerated.
    const text = new TextDecoder('utf-8', { fatal: !cut }).decode(bytes);
    return cut ? text.replace(/\uFFFD+$/, '') : text;
  } catch {
    return undefined;
  }
}

function producerOf(log: JsonObject): { producer?: string } {
  const describe = (value: unknown): string | undefined => {
    if (!isObject(value)) return undefined;
    const name = stringOr(own(value, 'name'))?.trim();
    if (!name) return undefined;
    const version = stringOr(own(value, 'version'))?.trim();
    return version ? `${name} ${version}` : name;
  };
  const creator = describe(own(log, 'creator'));
  const browser = describe(own(log, 'browser'));
  if (creator && browser && creator !== browser) return { producer: `${creator} (${browser})` };
  const producer = creator ?? browser;
  return producer ? { producer } : {};
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function nonEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
