import { SessionTracerError } from '../errors';
import { EXPORT_FORMATS, type ExportFormat } from '../io/export';
import { DEFAULT_PROFILE, REDACTION_PROFILES, type RedactionProfile } from '../io/redact';

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

export interface ExportArgs {
  command: 'export';
  file: string;
  to: ExportFormat;
  redact: RedactionProfile;
  /** Where to write; stdout when absent. */
  out?: string;
  keepJwtSignatures: boolean;
  /** Extra parameter, field, header or cookie names to redact (--redact-name, repeatable). */
  redactNames: string[];
  /** Mermaid: draw this flow only. */
  flow?: string;
}

export type CliArgs = AnalyzeArgs | ExportArgs | { command: 'help' } | { command: 'version' };

export const USAGE = `Usage:
  session-tracer analyze <file.har|trace.json|saml-tracer.json> [--json] [--verify] [--fail-on error|warning]
  session-tracer export <file> --to har|json|md|mermaid [--redact hashed|removed|none] [--out FILE]
                        [--keep-jwt-signatures] [--redact-name NAME]... [--flow FLOW-ID]

  analyze   Reads a HAR (Chrome, Firefox, Playwright, ...), a Session Tracer trace or a SAML-tracer
            export and prints its login flows, parties, session tiers, tokens and problems.
  --json    Print the analysis JSON (docs/analysis-format.md) instead of text.
  --verify  Fetch the issuers' discovery documents and JWKS and verify token signatures.
  --fail-on Exit 1 when a problem of this severity (or worse) is found.

  export    Reads the same files and writes them, redacted, as a Session Tracer trace (json,
            docs/trace-format.md), a HAR 1.2 (har), a Markdown report (md) or a Mermaid
            sequence diagram (mermaid).
  --to      The format to write (optional when --out ends in .json, .har, .md or .mmd).
  --redact  hashed (default): every secret becomes a stable keyed hash; removed: secrets are
            blanked; none: nothing is redacted (a warning is printed).
  --out     Write to this file instead of stdout.
  --keep-jwt-signatures  Keep the signatures of JWTs (they are removed by default).
  --redact-name          Also redact this parameter, form field, header or cookie (repeatable).
  --flow    Mermaid: draw only this flow (flow-1, flow-2, ...); every flow by default.

Exit codes: 0 done, 1 problems at the --fail-on level, 2 unreadable input, bad usage or an
output that cannot be written.`;

const EXTENSIONS: Record<string, ExportFormat> = {
  '.json': 'json',
  '.har': 'har',
  '.md': 'md',
  '.mmd': 'mermaid',
};

/** Parses argv (without node and the script). Throws UsageError with what is wrong. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h')
    return { command: 'help' };
  if (command === '--version' || command === 'version') return { command: 'version' };
  if (command === 'analyze') return parseAnalyze(rest);
  if (command === 'export') return parseExport(rest);
  throw new UsageError(`unknown command "${command}"`);
}

function parseAnalyze(rest: readonly string[]): AnalyzeArgs {
  const args: AnalyzeArgs = { command: 'analyze', file: '', json: false, verify: false };
  const options = new OptionReader(rest);
  for (let arg = options.next(); arg !== undefined; arg = options.next()) {
    if (arg === '--json') args.json = true;
    else if (arg === '--verify') args.verify = true;
    else if (options.is(arg, '--fail-on')) {
      const value = options.value(arg, '--fail-on');
      if (value !== 'error' && value !== 'warning')
        throw new UsageError('--fail-on takes "error" or "warning"');
      args.failOn = value;
    } else args.file = fileArgument(arg, args.file);
  }
  if (!args.file) throw new UsageError('analyze needs a file');
  return args;
}

function parseExport(rest: readonly string[]): ExportArgs {
  let file = '';
  let to: ExportFormat | undefined;
  let redact: RedactionProfile = DEFAULT_PROFILE;
  let out: string | undefined;
  let flow: string | undefined;
  let keepJwtSignatures = false;
  const redactNames: string[] = [];
  const options = new OptionReader(rest);
  for (let arg = options.next(); arg !== undefined; arg = options.next()) {
    if (options.is(arg, '--to')) {
      const value = options.value(arg, '--to');
      if (!(EXPORT_FORMATS as readonly string[]).includes(value))
        throw new UsageError(`--to takes ${EXPORT_FORMATS.join(', ')} (not "${value}")`);
      to = value as ExportFormat;
    } else if (options.is(arg, '--redact')) {
      const value = options.value(arg, '--redact');
      if (!(REDACTION_PROFILES as readonly string[]).includes(value))
        throw new UsageError(`--redact takes ${REDACTION_PROFILES.join(', ')} (not "${value}")`);
      redact = value as RedactionProfile;
    } else if (options.is(arg, '--out')) out = options.value(arg, '--out');
    else if (options.is(arg, '--flow')) flow = options.value(arg, '--flow');
    else if (options.is(arg, '--redact-name')) {
      const value = options.value(arg, '--redact-name').trim();
      if (!value) throw new UsageError('--redact-name needs a name');
      redactNames.push(value);
    } else if (arg === '--keep-jwt-signatures') keepJwtSignatures = true;
    else file = fileArgument(arg, file);
  }
  if (!file) throw new UsageError('export needs a file');
  if (out === '') throw new UsageError('--out needs a file name');
  if (!to && out) {
    const dot = out.lastIndexOf('.');
    to = dot >= 0 ? EXTENSIONS[out.slice(dot).toLowerCase()] : undefined;
  }
  if (!to) throw new UsageError(`export needs --to ${EXPORT_FORMATS.join('|')}`);
  if (flow !== undefined && to !== 'mermaid') throw new UsageError('--flow is for --to mermaid');
  const args: ExportArgs = { command: 'export', file, to, redact, keepJwtSignatures, redactNames };
  if (out !== undefined) args.out = out;
  if (flow !== undefined) args.flow = flow;
  return args;
}

function fileArgument(arg: string, current: string): string {
  if (arg.startsWith('-')) throw new UsageError(`unknown option "${arg}"`);
  if (current) throw new UsageError(`one file at a time ("${arg}" is extra)`);
  return arg;
}

/** Reads `--name value` and `--name=value` options in order. */
class OptionReader {
  private index = 0;

  constructor(private readonly argv: readonly string[]) {}

  next(): string | undefined {
    return this.argv[this.index++];
  }

  is(arg: string, name: string): boolean {
    return arg === name || arg.startsWith(`${name}=`);
  }

  value(arg: string, name: string): string {
    if (arg.includes('=')) return arg.slice(arg.indexOf('=') + 1);
    const value = this.argv[this.index];
    if (value === undefined || (value.startsWith('--') && value.length > 2))
      throw new UsageError(`${name} needs a value`);
    this.index += 1;
    return value;
  }
}
