import { runAnalysis, type AnalyzeInput, type ReuseState } from './analyze';
import { FlowBuilder } from './flows';
import { HopSequence } from './hops';
import { createMemo } from './memo';
import type { Analysis } from './types';

/** analyze() for a recording that grows: call it again with the records so far. */
export interface IncrementalAnalyzer {
  /** The same Analysis as analyze(input), reusing what earlier calls computed. */
  analyze(input: AnalyzeInput): Analysis;
  /** Forgets everything (after the recording was cleared, for instance). */
  reset(): void;
}

/**
 * An analyzer for repeated analysis of a growing recording (the panel after every batch of new
 * hops). Each call returns exactly what analyze() returns for the same input. It keeps, between
 * calls: what it derived from each exchange (URL, cookies, protocol messages, parsed bodies,
 * decoded SAML), and every flow with the state after it, so that a call recomputes only the
 * flows from the first one whose inputs changed (a new hop, a changed redirect link, a hop
 * within 30 s after a logout's end-session request) plus the recording-wide rules. Everything is
 * recomputed when a discovery document, a JWKS or the first sent cookie appears, when
 * `responseBodies` is another object, or while exchange ids are not unique.
 *
 * Records are taken as immutable: an exchange, cookie event or responseBodies object must not be
 * changed after it was passed in (pass a new object instead). Parts of the results (parties,
 * steps, tiers, tokens) are shared between calls: treat them as read-only. Does not verify
 * tokens (see verify()).
 */
export function createIncrementalAnalyzer(): IncrementalAnalyzer {
  let memo = createMemo();
  let reuse = freshState();
  return {
    analyze: (input) => runAnalysis(input, memo, reuse),
    reset() {
      memo = createMemo();
      reuse = freshState();
    },
  };
}

function freshState(): ReuseState {
  return {
    sequence: new HopSequence(),
    builder: new FlowBuilder(true),
    firstPass: { evidence: [], entries: [] },
    secondPass: { evidence: [], entries: [] },
    rules: new Map(),
    clearing: [],
    unowned: [],
  };
}
