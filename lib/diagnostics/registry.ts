import type { FlowContext } from '../analysis/analyze';
import type { Diagnostic } from '../analysis/types';
import { cookieFlowRules, cookieGlobalRules } from './cookies';
import { oauthGlobalRules, oauthRules } from './oauth';
import { toDiagnostic, type FlowRule, type GlobalContext, type GlobalRule } from './rule';
import { samlRules } from './saml';
import { sessionFlowRules, sessionGlobalRules } from './session';
import { tokenRules } from './tokens';

/** Every rule that looks at one flow. */
export const FLOW_RULES: readonly FlowRule[] = [
  ...oauthRules,
  ...tokenRules,
  ...cookieFlowRules,
  ...sessionFlowRules,
  ...samlRules,
];
/** Every rule that looks at the whole recording. */
export const GLOBAL_RULES: readonly GlobalRule[] = [
  ...oauthGlobalRules,
  ...cookieGlobalRules,
  ...sessionGlobalRules,
];

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Runs the flow rules; a rule that throws on odd traffic is skipped rather than fatal. */
export function runFlowRules(ctx: FlowContext): Diagnostic[] {
  return sortDiagnostics(
    FLOW_RULES.flatMap((rule) => safely(() => rule.check(ctx)).map((f) => toDiagnostic(rule, f))),
  );
}

export function runGlobalRules(ctx: GlobalContext): Diagnostic[] {
  return sortDiagnostics(
    GLOBAL_RULES.flatMap((rule) => safely(() => rule.check(ctx)).map((f) => toDiagnostic(rule, f))),
  );
}

function safely<T>(run: () => T[]): T[] {
  try {
    return run();
  } catch {
    return [];
  }
}

function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
