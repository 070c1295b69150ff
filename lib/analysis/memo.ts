import type { Exchange } from '../model';
import type { Hop } from './hops';
import { decodeSaml, type SamlSummary } from '../protocol/saml';

/** A decoded SAML message, or why it could not be decoded. */
export type SamlDecoding = { summary: SamlSummary } | { error: unknown };

/**
 * Caches of one analysis, by record. analyze() makes a new one per call; an incremental analyzer
 * keeps one across calls, which is why every cache is keyed by the record (exchange, message)
 * itself: records are immutable once recorded. Holds nothing about hop order or flows.
 */
export interface AnalysisMemo {
  /** The hop of each exchange, with what was derived from the exchange alone (see Hop.x). */
  hops: WeakMap<Exchange, Hop>;
  /** Analyses made with this memo (hops remember the last one that placed them). */
  calls: number;
  /**
   * After prepareHops: every hop of the call by exchange id, when the ids are unique (else
   * empty, and `idsUnique` false). Kept between calls, so a call only adds its new hops.
   */
  byId: Map<string, Hop>;
  idsUnique: boolean;
  /** Response bodies parsed as JSON; valid for the one `bodiesOf` object they were read from. */
  bodies: WeakMap<Exchange, { body: Record<string, unknown> | undefined }>;
  bodiesOf: Readonly<Record<string, string>> | undefined;
  /** Decoded SAML messages, by message object. */
  saml: WeakMap<object, SamlDecoding>;
}

export function createMemo(): AnalysisMemo {
  return {
    hops: new WeakMap(),
    calls: 0,
    byId: new Map(),
    idsUnique: true,
    bodies: new WeakMap(),
    bodiesOf: undefined,
    saml: new WeakMap(),
  };
}

let active: AnalysisMemo | undefined;

/**
 * Runs `run` with `memo` as the caches of the analysis under way (the analysis is synchronous,
 * so one at a time). Rules reach the caches through activeMemo(); outside an analysis there is
 * none and they compute directly.
 */
export function withMemo<T>(memo: AnalysisMemo, run: () => T): T {
  const outer = active;
  active = memo;
  try {
    return run();
  } finally {
    active = outer;
  }
}

export function activeMemo(): AnalysisMemo | undefined {
  return active;
}

/**
 * A SAML message decoded (its summary), or the error decodeSaml threw; once per message object
 * during an analysis (the flow builder and several rules ask for the same message).
 */
export function decodedSaml(message: {
  encoded: string;
  binding: 'redirect' | 'post';
}): SamlDecoding {
  const memo = active;
  const cached = memo?.saml.get(message);
  if (cached) return cached;
  let result: SamlDecoding;
  try {
    result = { summary: decodeSaml(message.encoded, message.binding).summary };
  } catch (error) {
    result = { error };
  }
  memo?.saml.set(message, result);
  return result;
}
