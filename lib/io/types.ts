import type { CookieEvent, Exchange } from '../model';

/** The file formats the importers read. */
export type ImportFormat = 'har' | 'trace' | 'saml-tracer';

export interface ImportSource {
  format: ImportFormat;
  /** The program that wrote the file, e.g. "Firefox 118.0.1" or "chrome-har 1.3.0 (Chrome 148)". */
  producer?: string;
  /**
   * False when the file shows no cookie at all: no Cookie or Set-Cookie header, no cookie array
   * entry and no cookie event. A sanitized Chrome export looks like this, so "no session
   * cookie" cannot be concluded from such a file.
   */
  cookiesVisible: boolean;
  /** True when the file holds at least one response body (only HARs can). */
  bodiesVisible: boolean;
}

/** A SAML or WS-Federation message SAML-tracer decoded for a request. */
export interface SamlTracerMessage {
  protocol: 'SAML-P' | 'WS-Fed';
  /** The decoded XML, as SAML-tracer decoded it; null when it decoded nothing. */
  xml: string | null;
  /** The SAMLart value, when there was one. */
  artifact?: string;
}

/** The members of a trace file besides the records. */
export interface TraceMeta {
  exportedAt: string;
  redaction?: Record<string, unknown>;
  analysis?: Record<string, unknown>;
}

/** What every importer returns. */
export interface ImportResult {
  exchanges: Exchange[];
  cookieEvents: CookieEvent[];
  source: ImportSource;
  /** Human-readable notes about what the file lacks or what was guessed. */
  warnings: string[];
  /**
   * Response bodies that are text, by exchange id, each cut at MAX_RESPONSE_BODY_BYTES of
   * UTF-8 (base64 bodies decoded). Only HARs carry bodies; empty for the other formats.
   */
  responseBodies: Record<string, string>;
  /** SAML-tracer only: the decoded SAML / WS-Fed message of a request, by exchange id. */
  samlMessages?: Record<string, SamlTracerMessage>;
  /** Trace files only: exportedAt, redaction and analysis as the file holds them. */
  trace?: TraceMeta;
}
