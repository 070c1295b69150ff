import type { FlowContext } from '../analysis/analyze';
import { positionsWhere, type Hop } from '../analysis/hops';
import type { AnalyzeInput } from '../analysis/analyze';
import type { Diagnostic, Flow, Severity } from '../analysis/types';

/** One rule of the catalogue (protocol.md section 4): a stable id, its reference, a check. */
export interface FlowRule {
  id: string;
  reference: string;
  check(ctx: FlowContext): Finding[];
}

/** A rule over the whole recording rather than one flow (reuse across flows, for instance). */
export interface GlobalRule {
  id: string;
  reference: string;
  check(ctx: GlobalContext): Finding[];
}

export interface GlobalContext {
  hops: readonly Hop[];
  flows: readonly Flow[];
  input: AnalyzeInput;
  /**
   * The state of each authorization request among each flow's hops, in hop order, flow by
   * flow, when the analysis knows them (exchange ids unique); otherwise rules read the hops.
   */
  flowStates?: readonly (readonly string[])[];
  /** Whether a hop is in one of `flows` (given when exchange ids are unique). */
  inFlow?: (hop: Hop) => boolean;
  /**
   * An incremental analysis: the hops before `changed` are the previous call's (the same
   * objects, messages and `prev` links); rules may keep what they computed in `state`.
   */
  incremental?: { changed: number; state: Map<string, unknown> };
}

/**
 * Positions of the hops that pass `test`, in order. `test` may look at the hop's exchange, its
 * messages and its `prev` link only. In an incremental analysis the list is kept and only the
 * hops from the first changed one are tested again.
 */
export function hopsWhere(ctx: GlobalContext, key: string, test: (h: Hop) => boolean): number[] {
  const inc = ctx.incremental;
  const kept = inc?.changed ? (inc.state.get(key) as number[] | undefined) : undefined;
  const list = positionsWhere(ctx.hops, test, kept, kept ? (inc?.changed ?? 0) : 0);
  inc?.state.set(key, list);
  return list;
}

/** Whether a hop is in one of the flows (by exchange id, as the flows list them). */
export function inFlowOf(ctx: GlobalContext): (hop: Hop) => boolean {
  if (ctx.inFlow) return ctx.inFlow;
  let ids: Set<string> | undefined;
  return (hop) => (ids ??= new Set(ctx.flows.flatMap((f) => f.exchangeIds))).has(hop.e.id);
}

export interface Finding {
  severity: Severity;
  message: string;
  hops: readonly Hop[];
}

export function toDiagnostic(rule: { id: string; reference: string }, f: Finding): Diagnostic {
  return {
    id: rule.id,
    severity: f.severity,
    message: f.message,
    exchangeIds: [...new Set(f.hops.map((h) => h.e.id))],
    reference: rule.reference,
  };
}
