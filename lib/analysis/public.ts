import type { Analysis } from './types';

/** The analysis as it may leave the process: tokens keep header and claims, lose their raw form. */
export function withoutRawTokens(analysis: Analysis): Analysis {
  return {
    ...analysis,
    flows: analysis.flows.map((f) => ({
      ...f,
      tokens: f.tokens.map(({ raw: _raw, ...rest }) => rest),
    })),
  };
}
