import type { FlowContext } from '../analysis/analyze';
import type { Hop } from '../analysis/hops';
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
