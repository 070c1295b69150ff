import { InputFormatError, InputTooLargeError } from '../errors';

/** Largest input read by default: 512 MiB (bytes for binary input, UTF-16 code units for text). */
export const DEFAULT_MAX_INPUT_SIZE = 512 * 1024 * 1024;

export interface ParseOptions {
  /** Inputs larger than this throw InputTooLargeError. Default DEFAULT_MAX_INPUT_SIZE. */
  maxInputSize?: number;
}

/** What an importer accepts: text, or the file's bytes (UTF-8, or UTF-16 with a BOM). */
export type ImportInput = string | Uint8Array | ArrayBuffer;

/**
 * Turns the file's text (or bytes) into a JSON value. Checks the size first, decodes bytes
 * (UTF-8; UTF-16 when the file starts with a UTF-16 BOM), strips a byte-order mark, and reports
 * an empty file or a syntax error with its line and column. Does not look at the shape.
 *
 * @throws InputTooLargeError when the input is over `maxInputSize`.
 * @throws InputFormatError when the input is empty, not text, or not JSON.
 */
export function parseJsonInput(input: ImportInput, options: ParseOptions = {}): unknown {
  const max = options.maxInputSize ?? DEFAULT_MAX_INPUT_SIZE;
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > max) {
    const unit = typeof input === 'string' ? 'characters' : 'bytes';
    throw new InputTooLargeError(
      `input too large: ${formatSize(size, unit)} is over the limit of ${formatSize(max, unit)}`,
    );
  }
  let text = typeof input === 'string' ? input : decodeBytes(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new InputFormatError('empty file: there is nothing to import');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputFormatError(describeJsonError(text, error), { cause: error });
  }
}

function decodeBytes(input: Uint8Array | ArrayBuffer): string {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  let encoding = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  try {
    // TextDecoder drops the BOM of the encoding it decodes.
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch (error) {
    throw new InputFormatError(`not text: the file is not valid ${encoding.toUpperCase()}`, {
      cause: error,
    });
  }
}

function formatSize(size: number, unit: 'characters' | 'bytes'): string {
  if (unit === 'characters') return `${size} characters`;
  if (size >= 1024 * 1024) return `${(size / (1024 * 1024)).toFixed(1)} MiB`;
  if (size >= 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${size} bytes`;
}

/** The same message in every engine: our own scan finds where the JSON goes wrong. */
function describeJsonError(text: string, error: unknown): string {
  const found = locateJsonError(text);
  if (!found) {
    const reason = error instanceof Error ? error.message : String(error);
    return `not JSON: ${reason}`;
  }
  const { line, column } = lineAndColumn(text, found.offset);
  return `not JSON: ${found.reason} at line ${line}, column ${column} (offset ${found.offset})`;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export interface JsonSyntaxProblem {
  offset: number;
  reason: string;
}

/**
 * Finds the first syntax error of a JSON text (RFC 8259), without recursion. Returns undefined
 * when the text is valid JSON. Used only to explain why JSON.parse failed.
 */
export function locateJsonError(text: string): JsonSyntaxProblem | undefined {
  const stack: number[] = []; // 123 '{' or 91 '['
  let i = 0;
  const n = text.length;
  type State = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'after';
  let state: State = 'value';

  const problem = (reason: string, at = i): JsonSyntaxProblem => {
    if (at >= n) return { offset: n, reason: `${reason}, but the text ends (truncated file?)` };
    return { offset: at, reason: `${reason}, found ${quoteChar(text, at)}` };
  };
  const skipSpace = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const scanString = (): JsonSyntaxProblem | undefined => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c === 92) {
        const e = text[i + 1];
        if (e === undefined) return problem('unterminated string', n);
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            return problem('invalid \\u escape in a string', i);
          }
          i += 6;
        } else if ('"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          return problem('invalid escape in a string', i);
        }
        continue;
      }
      if (c < 32) return problem('control character in a string', i);
      i++;
    }
    return problem('unterminated string', n);
  };
  const scanNumber = (): JsonSyntaxProblem | undefined => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '-' || match[0] === '') return problem('invalid number');
    i += match[0].length;
    const next = text[i];
    if (next !== undefined && /[0-9.eE+-]/.test(next)) return problem('invalid number');
    return undefined;
  };

  for (;;) {
    skipSpace();
    if (state === 'valueOrEnd' || state === 'keyOrEnd') {
      const close = state === 'valueOrEnd' ? 93 : 125;
      if (text.charCodeAt(i) === close) {
        i++;
        stack.pop();
        state = 'after';
        continue;
      }
      state = state === 'valueOrEnd' ? 'value' : 'key';
    }
    if (state === 'value') {
      if (i >= n) return problem('expected a value');
      const c = text[i];
      if (c === '{' || c === '[') {
        stack.push(c === '{' ? 123 : 91);
        i++;
        state = c === '{' ? 'keyOrEnd' : 'valueOrEnd';
        continue;
      }
      let bad: JsonSyntaxProblem | undefined;
      if (c === '"') bad = scanString();
      else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) bad = scanNumber();
      else {
        const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
        if (!literal) return problem('expected a value');
        i += literal.length;
      }
      if (bad) return bad;
      state = 'after';
    } else if (state === 'key') {
      if (text.charCodeAt(i) !== 34) return problem('expected a double-quoted property name');
      const bad = scanString();
      if (bad) return bad;
      state = 'colon';
    } else if (state === 'colon') {
      if (text.charCodeAt(i) !== 58) return problem("expected ':' after a property name");
      i++;
      state = 'value';
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (i >= n) return undefined;
        return problem('unexpected text after the JSON value');
      }
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        state = top === 123 ? 'key' : 'value';
      } else if (c === (top === 123 ? 125 : 93)) {
        i++;
        stack.pop();
      } else {
        return problem(top === 123 ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
  }
}

function quoteChar(text: string, at: number): string {
  const code = text.codePointAt(at) ?? 0;
  if (code < 32 || code === 127) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCodePoint(code)}'`;
}
