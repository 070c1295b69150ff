import { analyze } from '../analysis/analyze';
import { SessionTracerError } from '../errors';
import { importAny } from '../io/detect';
import { verifyAnalysis, type FetchLike } from '../tokens/verify';
import { parseArgs, USAGE, UsageError } from './args';
import { countBySeverity, formatAnalysisText } from './format-text';
import { withoutRawTokens } from '../analysis/public';

export interface CliDeps {
  readFile: (path: string) => Promise<Uint8Array>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now: () => number;
  fetch: FetchLike;
  version: string;
}

/**
 * The command line, handed everything it touches so that tests run it in-process. Returns the
 * exit code: 0 done, 1 problems at the --fail-on level, 2 unreadable input or bad usage.
 */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    deps.stderr(
      `session-tracer: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`,
    );
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
    const reason =
      (error as { code?: string }).code === 'ENOENT'
        ? 'no such file'
        : error instanceof Error
          ? error.message
          : String(error);
    deps.stderr(`session-tracer: cannot read ${args.file}: ${reason}\n`);
    return 2;
  }
  try {
    const imported = importAny(bytes, args.file);
    let analysis = analyze({
      exchanges: imported.exchanges,
      cookieEvents: imported.cookieEvents,
      now: deps.now(),
      responseBodies: imported.responseBodies,
      cookiesVisible: imported.source.cookiesVisible,
    });
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
  } catch (error) {
    if (error instanceof SessionTracerError && !(error instanceof UsageError)) {
      deps.stderr(`session-tracer: ${args.file}: ${error.message}\n`);
      return 2;
    }
    deps.stderr(
      `session-tracer: ${args.file}: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  }
}
