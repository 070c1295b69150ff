import { SessionTracerError } from '../errors';

export class UsageError extends SessionTracerError {
  override readonly code = 'ERR_USAGE';
}

export type FailOn = 'error' | 'warning';

export interface AnalyzeArgs {
  command: 'analyze';
  file: string;
  json: boolean;
  verify: boolean;
  failOn?: FailOn;
}

export type CliArgs = AnalyzeArgs | { command: 'help' } | { command: 'version' };

export const USAGE = `Usage:
  session-tracer analyze <file.har|trace.json|saml-tracer.json> [--json] [--verify] [--fail-on error|warning]

  analyze   Reads a HAR (Chrome, Firefox, Playwright, ...), a Session Tracer trace or a SAML-tracer
            export and prints its login flows, parties, session tiers, tokens and problems.
  --json    Print the analysis JSON (docs/analysis-format.md) instead of text.
  --verify  Fetch the issuers' discovery documents and JWKS and verify token signatures.
  --fail-on Exit 1 when a problem of this severity (or worse) is found.

Exit codes: 0 done, 1 problems at the --fail-on level, 2 unreadable input or bad usage.`;

/** Parses argv (without node and the script). Throws UsageError with what is wrong. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h')
    return { command: 'help' };
  if (command === '--version' || command === 'version') return { command: 'version' };
  if (command !== 'analyze') throw new UsageError(`unknown command "${command}"`);
  const args: AnalyzeArgs = { command: 'analyze', file: '', json: false, verify: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--json') args.json = true;
    else if (arg === '--verify') args.verify = true;
    else if (arg === '--fail-on' || arg.startsWith('--fail-on=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : rest[++i];
      if (value !== 'error' && value !== 'warning')
        throw new UsageError('--fail-on takes "error" or "warning"');
      args.failOn = value;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option "${arg}"`);
    else if (!args.file) args.file = arg;
    else throw new UsageError(`one file at a time ("${arg}" is extra)`);
  }
  if (!args.file) throw new UsageError('analyze needs a file');
  return args;
}
