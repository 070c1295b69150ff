import type { Analysis, Diagnostic, Flow } from '../analysis/types';

/** The analysis as readable text for a terminal. */
export function formatAnalysisText(analysis: Analysis, notes: readonly string[] = []): string {
  const out: string[] = [];
  out.push(
    `${analysis.source.exchanges} hops, ${analysis.flows.length} flow${analysis.flows.length === 1 ? '' : 's'}`,
  );
  if (!analysis.source.cookiesVisible)
    out.push(
      'Note: cookies are not in this export (a sanitized HAR?); sessions are inferred from redirects only.',
    );
  for (const note of notes) out.push(`Note: ${note}`);
  for (const flow of analysis.flows) out.push('', ...formatFlow(flow));
  if (analysis.diagnostics.length > 0) {
    out.push('', 'Problems outside any flow:');
    for (const d of analysis.diagnostics) out.push(`  ${formatDiagnostic(d)}`);
  }
  const counts = countBySeverity(analysis);
  out.push(
    '',
    `Problems: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info`,
  );
  return out.join('\n');
}

function formatFlow(flow: Flow): string[] {
  const lines = [
    `${flow.id}: ${flow.kind} (${flow.protocol}) ${flow.outcome.toUpperCase()}  ${new Date(flow.start).toISOString()}  ${flow.exchangeIds.length} hops`,
    `  Parties: ${flow.parties.map((p) => `${p.label ?? p.origin} [${p.role}]`).join(', ')}`,
  ];
  for (const line of flow.narrative) lines.push(`  | ${line}`);
  for (const tier of flow.tiers) {
    const cookies =
      tier.sessionCookies.map((c) => `${c.name} ${c.change}`).join(', ') ||
      'no session cookie seen';
    lines.push(
      `  Session ${tier.role} ${tier.origin}: ${cookies}${tier.ssoProven ? ' (SSO proven)' : ''}`,
    );
  }
  for (const t of flow.tokens) {
    const claims = ['iss', 'sub', 'aud', 'exp']
      .filter((k) => k in t.claims)
      .map((k) => `${k}=${JSON.stringify(t.claims[k])}`)
      .join(' ');
    lines.push(
      `  Token ${t.kind} (${t.format}, ${t.location} ${t.name}) ${claims} [${t.verification}${t.verificationReason ? `: ${t.verificationReason}` : ''}]`,
    );
  }
  for (const d of flow.diagnostics) lines.push(`  ${formatDiagnostic(d)}`);
  return lines;
}

function formatDiagnostic(d: Diagnostic): string {
  return `${d.severity.toUpperCase()} ${d.id}: ${d.message} (${d.reference})`;
}

export function countBySeverity(analysis: Analysis): Record<'error' | 'warning' | 'info', number> {
  const counts = { error: 0, warning: 0, info: 0 };
  const all = [...analysis.diagnostics, ...analysis.flows.flatMap((f) => f.diagnostics)];
  const seen = new Set<string>();
  for (const d of all) {
    const key = `${d.id}|${d.message}|${d.exchangeIds.join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    counts[d.severity] += 1;
  }
  return counts;
}
