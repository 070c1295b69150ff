import type {
  Analysis,
  CookieAttributes,
  Diagnostic,
  Flow,
  Severity,
  TokenInfo,
} from '../analysis/types';
import type { RedactionReport } from './redact';

export interface MarkdownOptions {
  /** The report's title; "Session Tracer report" when absent. */
  title?: string;
  /** Where the records came from (a file name, "live recording of tab 12"). */
  source?: string;
  /** How the records were redacted, for the line under the title. */
  redaction?: RedactionReport;
}

/** Claims shown for a token, in this order, when present (at most MAX_CLAIMS of them). */
const CLAIMS = ['iss', 'sub', 'aud', 'azp', 'exp', 'iat', 'auth_time', 'nonce', 'sid', 'acr'];
const MAX_CLAIMS = 6;

/**
 * The analysis as a Markdown report to paste into an issue tracker (GitHub Flavored Markdown):
 * title, source and redaction, a summary table of the flows and problem counts, then per flow
 * its kind, protocol, outcome and time, parties, narrative, session tiers, tokens (a few
 * claims, never the token itself) and problems.
 *
 * Every value from the analysis is escaped: HTML special characters become entities, Markdown
 * punctuation is backslash-escaped, line breaks become spaces, so a hostile cookie name, claim
 * or URL stays inert text (no HTML, link, image, table break or heading). Simple names such as
 * `_session` are shown as code. Does not redact: pass an analysis that is already redacted.
 */
export function toMarkdown(analysis: Analysis, options: MarkdownOptions = {}): string {
  const out: string[] = [];
  out.push(`# ${text(options.title ?? 'Session Tracer report')}`, '');
  const about: string[] = [];
  if (options.source !== undefined) about.push(`**Source:** ${text(options.source)}`);
  about.push(
    `**Hops:** ${analysis.source.exchanges} · **Flows:** ${analysis.flows.length}` +
      (analysis.source.cookiesVisible ? '' : ' · cookies are not in this source'),
  );
  if (options.redaction) about.push(`**Redaction:** ${redactionLine(options.redaction)}`);
  out.push(about.join('  \n'), '');
  if (options.redaction?.warning) out.push(`> **Warning:** ${text(options.redaction.warning)}`, '');

  out.push('## Summary', '');
  if (analysis.flows.length === 0) out.push('No login flow was found.', '');
  else {
    out.push(
      ...table(
        ['flow', 'kind', 'protocol', 'outcome', 'start', 'hops', 'problems'],
        analysis.flows.map((f) => [
          code(f.id),
          text(f.kind),
          text(f.protocol),
          outcomeText(f.outcome),
          text(isoTime(f.start)),
          String(f.exchangeIds.length),
          problemCount(f.diagnostics),
        ]),
      ),
      '',
    );
  }
  const counts = countBySeverity(analysis);
  out.push(
    `Problems: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info.`,
    '',
  );

  for (const flow of analysis.flows) out.push(...flowSection(flow));

  if (analysis.diagnostics.length > 0) {
    out.push('## Problems outside any flow', '', ...problemsTable(analysis.diagnostics), '');
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function flowSection(flow: Flow): string[] {
  const out: string[] = [];
  out.push(
    `## ${text(flow.id)}: ${text(flow.kind)} (${text(flow.protocol)}), ${text(flow.outcome)}`,
    '',
  );
  const duration = Math.max(0, flow.end - flow.start);
  out.push(
    `**Kind:** ${text(flow.kind)} · **Protocol:** ${text(flow.protocol)} · ` +
      `**Outcome:** ${outcomeText(flow.outcome)} · **Time:** ${text(isoTime(flow.start))} ` +
      `(${formatDuration(duration)}, ${flow.exchangeIds.length} hops)`,
    '',
  );

  out.push('### Parties', '');
  if (flow.parties.length === 0) out.push('None identified.', '');
  else {
    out.push(
      ...table(
        ['role', 'origin', 'label'],
        flow.parties.map((p) => [text(p.role), text(p.origin), p.label ? text(p.label) : '']),
      ),
      '',
    );
  }

  if (flow.narrative.length > 0) {
    out.push('### What happened', '');
    flow.narrative.forEach((line, index) => out.push(`${index + 1}. ${text(line)}`));
    out.push('');
  }

  out.push('### Sessions', '');
  const rows: string[][] = [];
  for (const tier of flow.tiers) {
    const party = `${text(tier.origin)} (${text(tier.role)})`;
    if (tier.sessionCookies.length === 0) {
      rows.push([party, text(tier.role), '', 'no session cookie seen', '']);
      continue;
    }
    for (const cookie of tier.sessionCookies) {
      rows.push([
        party,
        text(tier.role),
        code(cookie.name),
        text(cookie.change),
        attributesText(cookie.attributes),
      ]);
    }
  }
  if (rows.length === 0) out.push('No session tier.', '');
  else out.push(...table(['party', 'role', 'cookie', 'change', 'attributes'], rows), '');
  const proven = flow.tiers.filter((t) => t.ssoProven);
  if (proven.length > 0) {
    out.push(
      `SSO proven at ${proven.map((t) => text(t.origin)).join(', ')}: an existing session ` +
        'cookie was sent on the authorization request and no login page was shown.',
      '',
    );
  }

  if (flow.tokens.length > 0) {
    out.push(
      '### Tokens',
      '',
      ...table(
        ['kind', 'format', 'location', 'claims', 'verification'],
        flow.tokens.map((t) => [
          text(t.kind),
          text(t.format),
          `${text(t.location)} ${code(t.name)}`,
          claimsText(t),
          verificationText(t),
        ]),
      ),
      '',
    );
  }

  out.push('### Problems', '');
  if (flow.diagnostics.length === 0) out.push('None found.', '');
  else out.push(...problemsTable(flow.diagnostics), '');
  return out;
}

function problemsTable(diagnostics: readonly Diagnostic[]): string[] {
  return table(
    ['severity', 'id', 'message', 'reference'],
    diagnostics.map((d) => [
      severityText(d.severity),
      code(d.id),
      text(d.message),
      text(d.reference),
    ]),
  );
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)];
}

function redactionLine(report: RedactionReport): string {
  const parts = [`profile ${code(report.profile)}`];
  parts.push(`JWT signatures ${text(report.jwtSignatures)}`);
  if (report.extraNames.length > 0) {
    parts.push(`extra names: ${report.extraNames.map((n) => code(n)).join(', ')}`);
  }
  const counted = Object.entries(report.counts as object).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0,
  );
  if (counted.length > 0) {
    parts.push(`redacted: ${counted.map(([name, count]) => `${text(name)} ${count}`).join(', ')}`);
  }
  return parts.join(' · ');
}

function attributesText(a: CookieAttributes): string {
  const parts: string[] = [];
  if (a.domain) parts.push(`Domain=${text(a.domain)}`);
  if (a.path) parts.push(`Path=${text(a.path)}`);
  if (a.secure) parts.push('Secure');
  if (a.httpOnly) parts.push('HttpOnly');
  if (a.sameSite) parts.push(`SameSite=${text(a.sameSite)}`);
  if (a.maxAge !== undefined) parts.push(`Max-Age=${a.maxAge}`);
  if (a.expires) parts.push(`Expires=${text(a.expires)}`);
  parts.push(`${a.size} B`);
  return parts.join('; ');
}

function claimsText(token: TokenInfo): string {
  const shown = CLAIMS.filter((k) => Object.hasOwn(token.claims, k)).slice(0, MAX_CLAIMS);
  const rest = Object.keys(token.claims).length - shown.length;
  const parts = shown.map(
    (k) => `${text(k)}=${text(token.times?.[k] ?? claimValue(token.claims[k]))}`,
  );
  if (rest > 0) parts.push(`+${rest} more`);
  return parts.join(', ');
}

function claimValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}

function verificationText(token: TokenInfo): string {
  const reason = token.verificationReason ? `: ${text(token.verificationReason)}` : '';
  return `${text(token.verification)}${reason}`;
}

function outcomeText(outcome: string): string {
  return outcome === 'success' ? text(outcome) : `**${text(outcome)}**`;
}

function severityText(severity: Severity): string {
  return severity === 'error' ? '**error**' : text(severity);
}

function problemCount(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return '0';
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return errors > 0
    ? `${diagnostics.length} (${errors} error${errors === 1 ? '' : 's'})`
    : String(diagnostics.length);
}

function countBySeverity(analysis: Analysis): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const seen = new Set<string>();
  for (const d of [...analysis.diagnostics, ...analysis.flows.flatMap((f) => f.diagnostics)]) {
    const key = `${d.id}|${d.message}|${d.exchangeIds.join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    counts[d.severity] += 1;
  }
  return counts;
}

function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : 'unknown time';
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A name made only of these characters is shown as code; anything else as escaped text. */
const PLAIN_NAME = /^[A-Za-z0-9._:/=+@-]{1,200}$/;

/** A simple name as a code span; any other value as escaped text (never raw in a code span). */
export function code(value: string): string {
  return PLAIN_NAME.test(value) ? `\`${value}\`` : text(value);
}

/**
 * A value as inert Markdown text on one line, safe in a table cell: control characters and
 * line breaks become spaces, `&`, `<`, `>` become entities, Markdown punctuation
 * (`\ ` * _ [ ] | ~ # ! $` and a leading list or quote marker) is backslash-escaped.
 */
export function text(value: string): string {
  const oneLine = value.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
  const escaped = oneLine
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!$]/g, (c) => `\\${c}`);
  // A line may not start a list, a heading, a quote or a setext underline.
  return escaped.replace(/^(\s*)([-+=]|\d+(?=[.)]))/, (_m, space: string, marker: string) =>
    /^\d/.test(marker) ? `${space}${marker}\\` : `${space}\\${marker}`,
  );
}
