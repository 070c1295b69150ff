import type { Analysis } from '../analysis/types';
import { SessionTracerError } from '../errors';
import type { CookieEvent, Exchange } from '../model';
import { toHar } from './har-export';
import { toMarkdown } from './markdown';
import { toMermaid, toMermaidAll } from './mermaid';
import { createRedactor, redactAnalysis, redactRecords, scrubText } from './redact';
import type { RedactionOptions, RedactionReport } from './redact';
import { serializeTrace } from './trace';

/** The formats an export is written in. */
export type ExportFormat = 'json' | 'har' | 'md' | 'mermaid';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['har', 'json', 'md', 'mermaid'];

/** File name extension and MIME type of each format. */
export const EXPORT_FILE_TYPES: Readonly<
  Record<ExportFormat, { extension: string; mimeType: string }>
> = {
  json: { extension: 'json', mimeType: 'application/json' },
  har: { extension: 'har', mimeType: 'application/json' },
  md: { extension: 'md', mimeType: 'text/markdown;charset=utf-8' },
  mermaid: { extension: 'mmd', mimeType: 'text/plain;charset=utf-8' },
};

export interface ExportInput {
  exchanges: readonly Exchange[];
  cookieEvents: readonly CookieEvent[];
  responseBodies?: Readonly<Record<string, string>>;
  /** The analysis, computed on the ORIGINAL (unredacted) records. */
  analysis: Analysis;
  /** Where the records came from (a file name, "live recording"), for the Markdown report. */
  source?: string;
}

export interface ExportOptions {
  format: ExportFormat;
  redaction: RedactionOptions;
  /** The time of the export (lib/ reads no clock): exportedAt, the HAR comment, the file name. */
  now: number;
  /** The program named in a HAR's log.creator; Session Tracer when absent. */
  creator?: { name: string; version: string };
  /** Mermaid only: the id of the one flow to draw; every flow when absent. */
  flowId?: string;
}

export interface ExportResult {
  text: string;
  /** A file name for a download: `session-tracer-2026-11-30T10-00-00.har`. */
  filename: string;
  mimeType: string;
  /** How the records were redacted, after the final safety scrub. */
  report: RedactionReport;
}

/** An export that cannot be made as asked (a flow id that is not in the analysis). */
export class ExportError extends SessionTracerError {
  override readonly code = 'ERR_EXPORT';
}

const DEFAULT_CREATOR = { name: 'Session Tracer', version: '0.1.0' };

/**
 * The one export entry of the panel, the viewer and the CLI. Creates a redactor for
 * `options.redaction`, redacts the records and the analysis (raw tokens are dropped first),
 * renders the format, then runs scrubText over the final text as a safety net, so a secret the
 * structured redaction missed is still replaced.
 *
 * - json: a trace file (docs/trace-format.md) with the redacted analysis and the redaction
 *   report, plus `responseBodies` when there are any;
 * - har: HAR 1.2 (toHar);
 * - md: the Markdown report (toMarkdown) with a line on the redaction;
 * - mermaid: one flow (`flowId`) or every flow (toMermaid / toMermaidAll).
 *
 * Pure: no clock, no file system. @throws ExportError for an unknown `flowId`.
 */
export function exportTrace(input: ExportInput, options: ExportOptions): ExportResult {
  const redactor = createRedactor(options.redaction);
  const records = redactRecords(
    {
      exchanges: input.exchanges,
      cookieEvents: input.cookieEvents,
      responseBodies: input.responseBodies ?? {},
    },
    redactor,
  );
  const analysis = redactAnalysis(input.analysis, redactor);

  let rendered: string;
  switch (options.format) {
    case 'json': {
      const json = serializeTrace(records.exchanges, records.cookieEvents, {
        exportedAt: options.now,
        analysis,
        redaction: redactor.report(),
      });
      rendered = withResponseBodies(json, records.responseBodies);
      break;
    }
    case 'har':
      rendered = `${JSON.stringify(
        toHar(
          { exchanges: records.exchanges, responseBodies: records.responseBodies },
          { creator: options.creator ?? DEFAULT_CREATOR, now: options.now },
        ),
        null,
        2,
      )}\n`;
      break;
    case 'md': {
      const md: Parameters<typeof toMarkdown>[1] = { redaction: redactor.report() };
      if (input.source !== undefined) md.source = input.source;
      rendered = toMarkdown(analysis, md);
      break;
    }
    case 'mermaid': {
      if (options.flowId === undefined) {
        rendered = toMermaidAll(analysis);
        break;
      }
      const flow = analysis.flows.find((f) => f.id === options.flowId);
      if (!flow) {
        const known = analysis.flows.map((f) => f.id).join(', ') || 'none';
        throw new ExportError(`no flow "${options.flowId}" in this trace (flows: ${known})`);
      }
      rendered = toMermaid(flow);
      break;
    }
  }
  const text = scrubText(rendered, redactor);
  const type = EXPORT_FILE_TYPES[options.format];
  return {
    text,
    filename: exportFilename(options.now, type.extension),
    mimeType: type.mimeType,
    report: redactor.report(),
  };
}

/** `session-tracer-2026-11-30T10-00-00.<extension>` (UTC, no characters file systems refuse). */
export function exportFilename(now: number, extension: string): string {
  const time = Number.isFinite(now) ? new Date(now).toISOString() : '1970-01-01T00:00:00.000Z';
  return `session-tracer-${time.slice(0, 19).replace(/:/g, '-')}.${extension}`;
}

/** The trace JSON with a `responseBodies` member added when there are bodies. */
function withResponseBodies(json: string, bodies: Readonly<Record<string, string>>): string {
  const body = `${json}\n`;
  if (Object.keys(bodies).length === 0) return body;
  const file = JSON.parse(json) as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(file)) {
    ordered[key] = value;
    if (key === 'cookieEvents') ordered['responseBodies'] = bodies;
  }
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
