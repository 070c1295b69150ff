/**
 * One base error with a stable `code`, subclasses per failure kind (as jose does). Bad input
 * becomes one of these with a precise message; callers show `message` and branch on `code`.
 */
export class SessionTracerError extends Error {
  readonly code: string = 'ERR_SESSION_TRACER';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A file or value that is not in a format we read (not JSON, wrong shape, unknown producer). */
export class InputFormatError extends SessionTracerError {
  override readonly code = 'ERR_INPUT_FORMAT';
}

/** A protocol message that could not be decoded (bad base64, bad DEFLATE, truncated XML). */
export class DecodeError extends SessionTracerError {
  override readonly code = 'ERR_DECODE';
}

/** A token that is not a well-formed JWT/JWE. */
export class TokenFormatError extends SessionTracerError {
  override readonly code = 'ERR_TOKEN_FORMAT';
}

/** Something given is larger than we accept. */
export class InputTooLargeError extends SessionTracerError {
  override readonly code = 'ERR_INPUT_TOO_LARGE';
}
