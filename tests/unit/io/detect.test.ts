import { describe, expect, it } from 'vitest';
import { InputFormatError, InputTooLargeError } from '@/lib/errors';
import type { SessionTracerError } from '@/lib/errors';
import { detectFormat, importAny } from '@/lib/io/detect';
import { importHar } from '@/lib/io/har';
import { locateJsonError } from '@/lib/io/json';
import { importSamlTracer } from '@/lib/io/saml-tracer';
import { serializeTrace } from '@/lib/io/trace';
import { makeExchange } from '@/tests/helpers/factories';
import { HAR_FIXTURES, SAML_TRACER_FIXTURES, fixtureText, harEntry, harText } from './fixtures';

describe('importAny: detection', () => {
  it.each(HAR_FIXTURES)('%s is read as a HAR', (name) => {
    const text = fixtureText(name);
    const result = importAny(text, name);
    expect(result.source.format).toBe('har');
    expect(result).toEqual(importHar(text));
  });

  it.each(SAML_TRACER_FIXTURES)('%s is read as a SAML-tracer export', (name) => {
    const text = fixtureText(name);
    expect(importAny(text, name)).toEqual(importSamlTracer(text));
  });

  it('reads a trace', () => {
    const exchange = makeExchange({ id: 'only' });
    const text = serializeTrace([exchange], [], { exportedAt: '2024-05-01T10:00:00Z' });
    const result = importAny(text, 'trace.json');
    expect(result.source.format).toBe('trace');
    expect(result.exchanges).toEqual([exchange]);
  });

  it.each<[unknown, string | undefined]>([
    [{ log: { entries: [] } }, 'har'],
    [{ log: 'x' }, 'har'],
    [{ format: 'session-tracer-trace' }, 'trace'],
    [{ requests: [], timestamp: 'x' }, 'saml-tracer'],
    [{ requests: [], format: 'other' }, undefined],
    [{ entries: [] }, undefined],
    [[], undefined],
    [null, undefined],
  ])('detectFormat(%j) is %s', (root, format) => {
    expect(detectFormat(root)).toBe(format);
  });

  it('accepts bytes, and the filename only sharpens the message', () => {
    const text = fixtureText('zap-firefox126-noresponse.har');
    expect(importAny(new TextEncoder().encode(text))).toEqual(importHar(text));
    expect(() => importAny('{"x":1}', 'customer.har')).toThrow('not a HAR: log.entries is missing');
    expect(() => importAny('{"x":1}', 'SAML-tracer-export-2024.json')).toThrow(
      'not a SAML-tracer export: requests is missing',
    );
  });
});

describe('importAny: bad input is a SessionTracerError with a specific message', () => {
  const entryWith = (request: Record<string, unknown>): string =>
    JSON.stringify({ log: { entries: [{ request, response: { status: 200 } }] } });

  it.each<[string, string | Uint8Array, typeof SessionTracerError, string]>([
    ['an empty file', '', InputFormatError, 'empty file'],
    ['only white space and a BOM', '\uFEFF \n\t', InputFormatError, 'empty file'],
    [
      'a truncated file',
      '{"log": {"entries": [',
      InputFormatError,
      'not JSON: expected a value, but the text ends (truncated file?) at line 1, column 22',
    ],
    [
      'a trailing comma',
      '{\n  "log": {"entries": [],}\n}',
      InputFormatError,
      "not JSON: expected a double-quoted property name, found '}' at line 2, column 25",
    ],
    [
      'HTML',
      '<!doctype html><html>',
      InputFormatError,
      "not JSON: expected a value, found '<' at line 1, column 1",
    ],
    [
      'two documents',
      '{}\n{}',
      InputFormatError,
      "not JSON: unexpected text after the JSON value, found '{' at line 2, column 1",
    ],
    ['a string', '"log"', InputFormatError, 'unknown format: expected a HAR (log.entries)'],
    ['an array', '[{"log":{}}]', InputFormatError, 'at the top level, found an array'],
    ['an unrelated object', '{"name":"x"}', InputFormatError, 'not a HAR (log.entries is missing)'],
    [
      'log without entries',
      '{"log":{"version":"1.2"}}',
      InputFormatError,
      'not a HAR: log.entries is missing',
    ],
    [
      'log not an object',
      '{"log":[]}',
      InputFormatError,
      'log: expected an object, found an array',
    ],
    [
      'entries an object',
      '{"log":{"entries":{"0":{}}}}',
      InputFormatError,
      'log.entries: expected an array, found an object',
    ],
    [
      'an entry that is null',
      '{"log":{"entries":[null]}}',
      InputFormatError,
      'log.entries[0]: expected an object, found null',
    ],
    [
      'an entry without request.url',
      entryWith({ method: 'GET' }),
      InputFormatError,
      'log.entries[0].request.url: expected a string, it is missing',
    ],
    [
      'an entry with an empty url',
      entryWith({ method: 'GET', url: '' }),
      InputFormatError,
      'log.entries[0].request.url: expected a URL, found an empty string',
    ],
    [
      'an entry without method',
      entryWith({ url: 'https://a/' }),
      InputFormatError,
      'log.entries[0].request.method: expected a string, it is missing',
    ],
    [
      'a header without a name',
      entryWith({ method: 'GET', url: 'https://a/', headers: [{ value: 'x' }] }),
      InputFormatError,
      'log.entries[0].request.headers[0].name: expected a string, it is missing',
    ],
    [
      'a status that is not a number',
      JSON.stringify({ log: { entries: [harEntry({ response: { status: 'OK' } })] } }),
      InputFormatError,
      'log.entries[0].response.status: expected a number, found a string',
    ],
    [
      'params not a list',
      JSON.stringify({
        log: { entries: [harEntry({ request: { method: 'POST', postData: { params: 'a=1' } } })] },
      }),
      InputFormatError,
      'log.entries[0].request.postData.params: expected an array, found a string',
    ],
    [
      'SAML-tracer requests an object',
      '{"requests":{},"timestamp":"x"}',
      InputFormatError,
      'requests: expected an array, found an object',
    ],
    [
      'a SAML-tracer request without url',
      '{"requests":[{"method":"GET","requestHeaders":[]}]}',
      InputFormatError,
      'requests[0].url: expected a string, it is missing',
    ],
    [
      'a SAML-tracer header that is a number',
      '{"requests":[{"method":"GET","url":"https://a/","requestHeaders":[5]}]}',
      InputFormatError,
      'requests[0].requestHeaders[0]: expected a header ({name, value}), found a number',
    ],
    [
      'a trace of another version',
      '{"format":"session-tracer-trace","version":3}',
      InputFormatError,
      'unsupported trace version 3',
    ],
    ['an unknown format member', '{"format":"har"}', InputFormatError, 'unknown format "har"'],
    [
      'bytes that are not UTF-8',
      new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
      InputFormatError,
      'not text: the file is not valid UTF-8',
    ],
  ])('%s', (_label, input, errorClass, message) => {
    const run = () => importAny(input);
    expect(run).toThrow(errorClass);
    expect(run).toThrow(message);
  });

  it('refuses input over the limit before reading it', () => {
    const text = harText([harEntry({})]);
    expect(() => importAny(text, 'a.har', { maxInputSize: 100 })).toThrow(InputTooLargeError);
    expect(() => importAny(text, 'a.har', { maxInputSize: 100 })).toThrow(
      /^input too large: \d+ characters is over the limit of 100 characters$/,
    );
    expect(() => importAny(new Uint8Array(2048), 'a.har', { maxInputSize: 1024 })).toThrow(
      'input too large: 2.0 KiB is over the limit of 1.0 KiB',
    );
    expect(importAny(text, 'a.har', { maxInputSize: text.length }).exchanges).toHaveLength(1);
  });

  it('gives every error a stable code', () => {
    const codes = ['', '{"log":{}}', 'x'].map((input) => {
      try {
        importAny(input);
        return 'no error';
      } catch (error) {
        return (error as SessionTracerError).code;
      }
    });
    expect(codes).toEqual(['ERR_INPUT_FORMAT', 'ERR_INPUT_FORMAT', 'ERR_INPUT_FORMAT']);
  });
});

describe('locateJsonError', () => {
  it.each([
    ['{"a":[1,2,{"b":null}],"c":"\\u00e9\\n"}', undefined],
    ['  -1.5e+3 ', undefined],
    ['{"a":"\\x"}', { offset: 6, reason: "invalid escape in a string, found '\\'" }],
    ['{"a":"b', { offset: 7, reason: 'unterminated string, but the text ends (truncated file?)' }],
    ['[01]', { offset: 2, reason: "invalid number, found '1'" }],
    ['[-]', { offset: 1, reason: "invalid number, found '-'" }],
    ['[1.]', { offset: 2, reason: "invalid number, found '.'" }],
    ['[tru]', { offset: 1, reason: "expected a value, found 't'" }],
    ['{"a" 1}', { offset: 5, reason: "expected ':' after a property name, found '1'" }],
    ['["a\tb"]', { offset: 3, reason: 'control character in a string, found U+0009' }],
    ['{} []', { offset: 3, reason: "unexpected text after the JSON value, found '['" }],
  ])('%j', (text, expected) => {
    expect(locateJsonError(text)).toEqual(expected);
    let parsed = true;
    try {
      JSON.parse(text);
    } catch {
      parsed = false;
    }
    expect(parsed).toBe(expected === undefined);
  });
});
