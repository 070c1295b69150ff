import { InputFormatError } from '../errors';

/**
 * Small readers for untrusted JSON: each takes the value's path ("log.entries[3].request.url")
 * and throws InputFormatError naming that path and what was expected. Only own properties are
 * read, so a key like "constructor" or "__proto__" in the file changes nothing.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property of a parsed JSON object, or undefined. */
export function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** "it is missing", "found null", "found a number", ... */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'it is missing';
  if (value === null) return 'found null';
  if (Array.isArray(value)) return 'found an array';
  if (typeof value === 'object') return 'found an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'found a non-finite number';
  return `found a ${typeof value}`;
}

export function fail(path: string, expected: string, value: unknown): never {
  throw new InputFormatError(`${path}: expected ${expected}, ${describeValue(value)}`);
}

export function readObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) fail(path, 'an object', value);
  return value;
}

export function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value;
}

export function readString(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

export function readNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'a number', value);
  return value;
}

export function readInteger(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(path, 'an integer', value);
  return value;
}

export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'a boolean', value);
  return value;
}

/** Absent and null both read as undefined. */
export function readOptional<T>(
  value: unknown,
  path: string,
  read: (value: unknown, path: string) => T,
): T | undefined {
  return value === undefined || value === null ? undefined : read(value, path);
}
