import { InputFormatError } from '../errors';
import type {
  CookieChangeCause,
  CookieEvent,
  CookieSameSite,
  Exchange,
  ExchangeTimings,
  Header,
  JarCookie,
  RequestBody,
} from '../model';
import { anyCookieHeader, parseTimestamp } from './common';
import { parseJsonInput } from './json';
import type { ImportInput, ParseOptions } from './json';
import type { ImportResult, TraceMeta } from './types';
import {
  at,
  describeValue,
  fail,
  isObject,
  own,
  readArray,
  readBoolean,
  readInteger,
  readNumber,
  readObject,
  readOptional,
  readString,
} from './validate';

export const TRACE_FORMAT = 'session-tracer-trace';
export const TRACE_VERSION = 1;

/** The project's own trace file, version 1. */
export interface TraceFile {
  format: typeof TRACE_FORMAT;
  version: typeof TRACE_VERSION;
  /** ISO-8601 date-time of the export. */
  exportedAt: string;
  exchanges: Exchange[];
  cookieEvents: CookieEvent[];
  redaction?: object;
  analysis?: object;
}

/** What serializeTrace writes besides the records. lib/ does not read the clock: pass it. */
export interface TraceExtra {
  /** When the export happens: an ISO string, epoch milliseconds or a Date. */
  exportedAt: string | number | Date;
  redaction?: object;
  analysis?: object;
  /** Spaces of indentation; 0 writes one line. Default 2. */
  indent?: number;
}

/**
 * Writes exchanges and cookie events as a trace file (JSON text):
 * `{ format: 'session-tracer-trace', version: 1, exportedAt, exchanges, cookieEvents,
 * redaction?, analysis? }`. Does not redact: pass records that are already redacted.
 */
export function serializeTrace(
  exchanges: readonly Exchange[],
  cookieEvents: readonly CookieEvent[],
  extra: TraceExtra,
): string {
  const exportedAt =
    typeof extra.exportedAt === 'string'
      ? extra.exportedAt
      : new Date(extra.exportedAt).toISOString();
  const file: TraceFile = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    exportedAt,
    exchanges: [...exchanges],
    cookieEvents: [...cookieEvents],
  };
  if (extra.redaction !== undefined) file.redaction = extra.redaction;
  if (extra.analysis !== undefined) file.analysis = extra.analysis;
  return JSON.stringify(file, null, extra.indent ?? 2);
}

/**
 * Reads a trace file written by serializeTrace. Every member of every exchange and cookie
 * event is type-checked; the first bad one is named in the error ("exchanges[3].url: expected
 * a string, found a number"). Members the model does not know are dropped; `redaction` and
 * `analysis` are returned as they are, in `trace`, without checking their content.
 *
 * @throws InputFormatError for a file that is not a version 1 trace, or a bad member.
 * @throws InputTooLargeError over the size limit.
 */
export function importTrace(input: ImportInput, options?: ParseOptions): ImportResult {
  return traceFromJson(parseJsonInput(input, options));
}

/** importTrace on an already parsed JSON value. */
export function traceFromJson(root: unknown): ImportResult {
  if (!isObject(root)) {
    throw new InputFormatError(
      `not a Session Tracer trace: expected an object at the top level, ${describeValue(root)}`,
    );
  }
  const format = own(root, 'format');
  if (format !== TRACE_FORMAT) {
    throw new InputFormatError(
      `not a Session Tracer trace: format is ${format === undefined ? 'missing' : quote(format)}, ` +
        `expected "${TRACE_FORMAT}"`,
    );
  }
  const version = readInteger(own(root, 'version'), 'version');
  if (version !== TRACE_VERSION) {
    throw new InputFormatError(
      `unsupported trace version ${version}: this version of Session Tracer reads version ${TRACE_VERSION}`,
    );
  }
  const exportedAt = readString(own(root, 'exportedAt'), 'exportedAt');
  if (parseTimestamp(exportedAt) === undefined) {
    throw new InputFormatError(
      `exportedAt: expected an ISO-8601 date-time, found ${quote(exportedAt)}`,
    );
  }

  const exchanges = readArray(own(root, 'exchanges'), 'exchanges').map((value, index) =>
    readExchange(value, `exchanges[${index}]`),
  );
  checkUnique(exchanges, 'exchanges');
  const cookieEvents = readArray(own(root, 'cookieEvents'), 'cookieEvents').map((value, index) =>
    readCookieEvent(value, `cookieEvents[${index}]`),
  );
  checkUnique(cookieEvents, 'cookieEvents');

  const trace: TraceMeta = { exportedAt };
  const redaction = readOptional(own(root, 'redaction'), 'redaction', readObject);
  if (redaction) trace.redaction = redaction;
  const analysis = readOptional(own(root, 'analysis'), 'analysis', readObject);
  if (analysis) trace.analysis = analysis;

  const warnings: string[] = [];
  if (exchanges.length === 0 && cookieEvents.length === 0) warnings.push('The trace is empty.');
  // Response bodies by exchange id (token JSON a HAR carried), when the export kept them.
  const responseBodies: Record<string, string> = {};
  const bodies = readOptional(own(root, 'responseBodies'), 'responseBodies', readObject);
  const known = new Set(exchanges.map((e) => e.id));
  for (const [id, body] of Object.entries(bodies ?? {})) {
    if (!known.has(id)) continue;
    responseBodies[id] = readString(body, `responseBodies.${id}`);
  }
  return {
    exchanges,
    cookieEvents,
    source: {
      format: 'trace',
      producer: 'Session Tracer',
      cookiesVisible: cookieEvents.length > 0 || anyCookieHeader(exchanges),
      bodiesVisible: Object.keys(responseBodies).length > 0,
    },
    warnings,
    responseBodies,
    trace,
  };
}

function checkUnique(records: readonly { id: string }[], path: string): void {
  const seen = new Map<string, number>();
  records.forEach((record, index) => {
    const first = seen.get(record.id);
    if (first !== undefined) {
      throw new InputFormatError(
        `${path}[${index}].id: duplicate id ${quote(record.id)} (also ${path}[${first}].id)`,
      );
    }
    seen.set(record.id, index);
  });
}

function readExchange(value: unknown, path: string): Exchange {
  const o = readObject(value, path);
  const field = (key: string): [unknown, string] => [own(o, key), at(path, key)];
  const exchange: Exchange = {
    id: readId(...field('id')),
    requestId: readString(...field('requestId')),
    hop: readCount(...field('hop')),
    startedAt: readNumber(...field('startedAt')),
    tabId: readInteger(...field('tabId')),
    frameId: readInteger(...field('frameId')),
    parentFrameId: readInteger(...field('parentFrameId')),
    type: readString(...field('type')),
    method: readString(...field('method')),
    url: readString(...field('url')),
    requestHeaders: [],
    status: 0,
    responseHeaders: [],
    timings: { start: 0 },
  };
  const initiator = readOptional(...field('initiator'), readString);
  if (initiator !== undefined) exchange.initiator = initiator;
  const documentUrl = readOptional(...field('documentUrl'), readString);
  if (documentUrl !== undefined) exchange.documentUrl = documentUrl;
  exchange.requestHeaders = readHeaderList(...field('requestHeaders'));
  const requestBody = readOptional(...field('requestBody'), readRequestBody);
  if (requestBody !== undefined) exchange.requestBody = requestBody;
  exchange.status = readCount(...field('status'));
  const statusLine = readOptional(...field('statusLine'), readString);
  if (statusLine !== undefined) exchange.statusLine = statusLine;
  exchange.responseHeaders = readHeaderList(...field('responseHeaders'));
  const redirectUrl = readOptional(...field('redirectUrl'), readString);
  if (redirectUrl !== undefined) exchange.redirectUrl = redirectUrl;
  const fromCache = readOptional(...field('fromCache'), readBoolean);
  if (fromCache !== undefined) exchange.fromCache = fromCache;
  const ip = readOptional(...field('ip'), readString);
  if (ip !== undefined) exchange.ip = ip;
  exchange.timings = readTimings(...field('timings'));
  const error = readOptional(...field('error'), readString);
  if (error !== undefined) exchange.error = error;
  return exchange;
}

function readId(value: unknown, path: string): string {
  const id = readString(value, path);
  if (id === '') throw new InputFormatError(`${path}: expected a non-empty string, found ""`);
  return id;
}

function readCount(value: unknown, path: string): number {
  const number = readInteger(value, path);
  if (number < 0) fail(path, 'an integer of 0 or more', value);
  return number;
}

function readHeaderList(value: unknown, path: string): Header[] {
  return readArray(value, path).map((item, index) => {
    const itemPath = at(path, index);
    const header = readObject(item, itemPath);
    return {
      name: readString(own(header, 'name'), at(itemPath, 'name')),
      value: readString(own(header, 'value'), at(itemPath, 'value')),
    };
  });
}

function readRequestBody(value: unknown, path: string): RequestBody {
  const o = readObject(value, path);
  const kind = readEnum(own(o, 'kind'), at(path, 'kind'), ['form', 'raw', 'unavailable'] as const);
  switch (kind) {
    case 'form': {
      const fieldsPath = at(path, 'fields');
      const fields = readArray(own(o, 'fields'), fieldsPath).map(
        (pair, index): [string, string] => {
          const pairPath = at(fieldsPath, index);
          const list = readArray(pair, pairPath);
          if (list.length !== 2) {
            throw new InputFormatError(
              `${pairPath}: expected a [name, value] pair, found ${list.length} items`,
            );
          }
          return [readString(list[0], at(pairPath, 0)), readString(list[1], at(pairPath, 1))];
        },
      );
      return { kind, fields };
    }
    case 'raw':
      return {
        kind,
        text: readString(own(o, 'text'), at(path, 'text')),
        encoding: readEnum(own(o, 'encoding'), at(path, 'encoding'), ['utf8', 'base64'] as const),
        truncated: readBoolean(own(o, 'truncated'), at(path, 'truncated')),
      };
    case 'unavailable':
      return { kind, reason: readString(own(o, 'reason'), at(path, 'reason')) };
  }
}

function readTimings(value: unknown, path: string): ExchangeTimings {
  const o = readObject(value, path);
  const timings: ExchangeTimings = { start: readNumber(own(o, 'start'), at(path, 'start')) };
  for (const key of ['sent', 'headersReceived', 'end'] as const) {
    const time = readOptional(own(o, key), at(path, key), readNumber);
    if (time !== undefined) timings[key] = time;
  }
  return timings;
}

const CAUSES = ['explicit', 'overwrite', 'expired', 'expired_overwrite', 'evicted'] as const;
const SAME_SITE = ['no_restriction', 'lax', 'strict', 'unspecified'] as const;

function readCookieEvent(value: unknown, path: string): CookieEvent {
  const o = readObject(value, path);
  const cause: CookieChangeCause = readEnum(own(o, 'cause'), at(path, 'cause'), CAUSES);
  return {
    id: readId(own(o, 'id'), at(path, 'id')),
    time: readNumber(own(o, 'time'), at(path, 'time')),
    removed: readBoolean(own(o, 'removed'), at(path, 'removed')),
    cause,
    cookie: readJarCookie(own(o, 'cookie'), at(path, 'cookie')),
  };
}

function readJarCookie(value: unknown, path: string): JarCookie {
  const o = readObject(value, path);
  const str = (key: string): string => readString(own(o, key), at(path, key));
  const bool = (key: string): boolean => readBoolean(own(o, key), at(path, key));
  const sameSite: CookieSameSite = readEnum(own(o, 'sameSite'), at(path, 'sameSite'), SAME_SITE);
  const cookie: JarCookie = {
    name: str('name'),
    value: str('value'),
    domain: str('domain'),
    path: str('path'),
    secure: bool('secure'),
    httpOnly: bool('httpOnly'),
    sameSite,
    hostOnly: bool('hostOnly'),
    session: bool('session'),
  };
  const expirationDate = readOptional(
    own(o, 'expirationDate'),
    at(path, 'expirationDate'),
    readNumber,
  );
  if (expirationDate !== undefined) cookie.expirationDate = expirationDate;
  const storeId = readOptional(own(o, 'storeId'), at(path, 'storeId'), readString);
  if (storeId !== undefined) cookie.storeId = storeId;
  const partitionKey = own(o, 'partitionKey');
  if (partitionKey !== undefined) cookie.partitionKey = partitionKey;
  return cookie;
}

function readEnum<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  const expected = `one of ${allowed.map((a) => `"${a}"`).join(', ')}`;
  if (typeof value === 'string') {
    throw new InputFormatError(`${path}: expected ${expected}, found ${quote(value)}`);
  }
  return fail(path, expected, value);
}

function quote(value: unknown): string {
  if (typeof value !== 'string') return describeValue(value).replace(/^found /, '');
  const short = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(short);
}
