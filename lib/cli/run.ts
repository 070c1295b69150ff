import { analyze } from '../analysis/analyze';
import type { Analysis } from '../analysis/types';
import { SessionTracerError } from '../errors';
import { importAny } from '../io/detect';
import { exportTrace } from '../io/export';
import type { RedactionOptions } from '../io/redact';
import type { ImportResult } from '../io/types';
import { verifyAnalysis, type FetchLike } from '../tokens/verify';
import { parseArgs, USAGE, UsageError, type AnalyzeArgs, type ExportArgs } from './args';
import { countBySeverity, formatAnalysisText } from './format-text';
import { withoutRawTokens } from '../analysis/public';

export interface CliDeps {
  readFile: (path: string) => Promise<Uint8Array>;
  /** Writes (creates or replaces) a file with UTF-8 text. */
  writeFile: (path: string, text: string) => Promise<void>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now: () => number;
  fetch: FetchLike;
  version: string;
}

/**
 * The command line, handed everything it touches so that tests run it in-process. Returns the
 * exit code: 0 done, 1 problems at the --fail-on level, 2 unreadable input, bad usage or an
 * output that cannot be written.
 */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    deps.stderr(`session-tracer: ${messageOf(error)}\n${USAGE}\n`);
    return 2;
  }
  if (args.command === 'help') {
    deps.stdout(`${USAGE}\n`);
    return 0;
  }
  if (args.command === 'version') {
    deps.stdout(`${deps.version}\n`);
    return 0;
  }
  let bytes: Uint8Array;
  try {
    bytes = await deps.readFile(args.file);
  } catch (error) {
    deps.stderr(`session-tracer: cannot read ${args.file}: ${fileErrorReason(error)}\n`);
    return 2;
  }
  try {
    const imported = importAny(bytes, args.file);
    const analysis = analyzeImport(imported, deps.now());
    if (args.command === 'export') return await runExport(args, imported, analysis, deps);
    return await runAnalyze(args, imported, analysis, deps);
  } catch (error) {
    if (error instanceof SessionTracerError && !(error instanceof UsageError)) {
      deps.stderr(`session-tracer: ${args.file}: ${error.message}\n`);
      return 2;
    }
    deps.stderr(`session-tracer: ${args.file}: unexpected failure: ${messageOf(error)}\n`);
    return 2;
  }
}

function analyzeImport(imported: ImportResult, now: number): Analysis {
  return analyze({
    exchanges: imported.exchanges,
    cookieEvents: imported.cookieEvents,
    now,
    responseBodies: imported.responseBodies,
    cookiesVisible: imported.source.cookiesVisible,
  });
}

async function runAnalyze(
  args: AnalyzeArgs,
  imported: ImportResult,
  analyzed: Analysis,
  deps: CliDeps,
): Promise<number> {
  let analysis = analyzed;
  if (args.verify)
    analysis = await verifyAnalysis(analysis, { fetch: deps.fetch, now: deps.now() });
  if (args.json) deps.stdout(`${JSON.stringify(withoutRawTokens(analysis), null, 2)}\n`);
  else deps.stdout(`${formatAnalysisText(analysis, imported.warnings)}\n`);
  if (args.failOn) {
    const counts = countBySeverity(analysis);
    const failing = counts.error + (args.failOn === 'warning' ? counts.warning : 0);
    if (failing > 0) return 1;
  }
  return 0;
}

async function runExport(
  args: ExportArgs,
  imported: ImportResult,
  analysis: Analysis,
  deps: CliDeps,
): Promise<number> {
  const redaction: RedactionOptions = {
    profile: args.redact,
    keepJwtSignatures: args.keepJwtSignatures,
  };
  if (args.redactNames.length > 0) redaction.extraNames = args.redactNames;
  const options: Parameters<typeof exportTrace>[1] = {
    format: args.to,
    redaction,
    now: deps.now(),
    creator: { name: 'Session Tracer', version: deps.version },
  };
  if (args.flow !== undefined) options.flowId = args.flow;
  const result = exportTrace(
    {
      exchanges: imported.exchanges,
      cookieEvents: imported.cookieEvents,
      responseBodies: imported.responseBodies,
      analysis,
      source: baseName(args.file),
    },
    options,
  );
  if (args.redact === 'none' || result.report.warning) {
    const warning =
      result.report.warning ??
      'nothing was redacted: the export holds every password, cookie, code and token of the ' +
        'input; do not share it.';
    deps.stderr(`session-tracer: warning: --redact ${args.redact}: ${warning}\n`);
  }
  if (args.out === undefined) {
    deps.stdout(result.text);
    return 0;
  }
  try {
    await deps.writeFile(args.out, result.text);
  } catch (error) {
    deps.stderr(`session-tracer: cannot write ${args.out}: ${fileErrorReason(error)}\n`);
    return 2;
  }
  deps.stderr(`session-tracer: wrote ${args.out} (${args.to}, redaction ${args.redact})\n`);
  return 0;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

function fileErrorReason(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return messageOf(error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
