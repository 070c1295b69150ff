import { InputFormatError, SessionTracerError } from '../errors';
import { harFromJson } from './har';
import { parseJsonInput } from './json';
import type { ImportInput, ParseOptions } from './json';
import { samlTracerFromJson } from './saml-tracer';
import { TRACE_FORMAT, traceFromJson } from './trace';
import type { ImportFormat, ImportResult } from './types';
import { describeValue, isObject, own } from './validate';

/**
 * The format of a parsed file, from its shape: a HAR has `log`, a trace has
 * `format: "session-tracer-trace"`, a SAML-tracer export has `requests`. Undefined otherwise.
 * Only the marker is looked at; the importer checks the rest.
 */
export function detectFormat(root: unknown): ImportFormat | undefined {
  if (!isObject(root)) return undefined;
  if (own(root, 'format') === TRACE_FORMAT) return 'trace';
  if (own(root, 'log') !== undefined) return 'har';
  if (own(root, 'requests') !== undefined && own(root, 'format') === undefined) {
    return 'saml-tracer';
  }
  return undefined;
}

/**
 * Reads a HAR, a Session Tracer trace or a SAML-tracer export, whichever the text is (see
 * detectFormat). `filename` only sharpens the message when the shape is not recognized (a
 * ".har" file is reported as a broken HAR). Every failure is a SessionTracerError: an
 * InputTooLargeError over `options.maxInputSize` (default 512 MiB), else an InputFormatError
 * with a specific message (empty file, not JSON with line and column, wrong shape, the first
 * bad member by path).
 */
export function importAny(
  input: ImportInput,
  filename?: string,
  options?: ParseOptions,
): ImportResult {
  const root = parseJsonInput(input, options);
  try {
    const format = detectFormat(root) ?? formatFromName(filename);
    switch (format) {
      case 'har':
        return harFromJson(root);
      case 'trace':
        return traceFromJson(root);
      case 'saml-tracer':
        return samlTracerFromJson(root);
      case undefined:
        throw unrecognized(root);
    }
  } catch (error) {
    if (error instanceof SessionTracerError) throw error;
    // A bug of ours, not the file's fault; still a clear error, never a bare TypeError.
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputFormatError(`could not read the file: ${reason}`, { cause: error });
  }
}

function formatFromName(filename: string | undefined): ImportFormat | undefined {
  if (!filename) return undefined;
  const name = filename.toLowerCase();
  if (name.endsWith('.har')) return 'har';
  if (/saml-?tracer/.test(name)) return 'saml-tracer';
  return undefined;
}

function unrecognized(root: unknown): InputFormatError {
  const expected =
    'expected a HAR (log.entries), a Session Tracer trace (format "session-tracer-trace") ' +
    'or a SAML-tracer export (requests)';
  if (!isObject(root)) {
    return new InputFormatError(
      `unknown format: ${expected} at the top level, ${describeValue(root)}`,
    );
  }
  const format = own(root, 'format');
  if (typeof format === 'string') {
    return new InputFormatError(
      `unknown format ${JSON.stringify(format.slice(0, 60))}: ${expected}`,
    );
  }
  return new InputFormatError(
    'unknown format: not a HAR (log.entries is missing), not a Session Tracer trace (format is ' +
      'missing) and not a SAML-tracer export (requests is missing)',
  );
}
