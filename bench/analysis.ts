// Benchmark 1: what the CLI's analysis costs against the floor, plain JSON.parse of the file.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { analyze } from '../lib/analysis/analyze';
import { importAny } from '../lib/io/detect';
import { writeReplayHar, type ReplayStats } from './har';
import { collectGarbage, median, round, timed } from './stats';

export interface AnalysisSizeResult {
  exchanges: number;
  bytes: number;
  copies: number;
  flows: number;
  runs: number;
  /** Medians, in ms. */
  parseMs: number;
  importMs: number;
  analyzeMs: number;
  /** importAny + analyze, the CLI's in-process work. */
  cliMs: number;
  /** cliMs / parseMs: the target is <= 2. */
  ratio: number;
  /** Microseconds per exchange, for the linearity check. */
  parseUsPerExchange: number;
  cliUsPerExchange: number;
}

export interface CliSpawnResult {
  exchanges: number;
  runs: number;
  /** Medians of the wall time of one process, in ms. */
  cliMs: number;
  parseMs: number;
  ratio: number;
  /** Node starting and exiting with nothing to do. */
  nodeMs: number;
}

export interface AnalysisBenchResult {
  sizes: AnalysisSizeResult[];
  spawn?: CliSpawnResult;
  replay: ReplayStats[];
}

export interface AnalysisBenchOptions {
  sizes: readonly number[];
  /** Runs per size (the median is reported); a number, or one per size. */
  repeats: number | readonly number[];
  /** Where the HAR files are written (and removed after). */
  dir: string;
  /** The built CLI (dist/cli.mjs or the bench's build): spawned once per run for `spawnSize`. */
  cliPath?: string;
  spawnSize?: number;
  spawnRepeats?: number;
  /** Exchanges of the file analysed (three times) before measuring, to warm the JIT up. */
  warmUp?: number;
  log?: (line: string) => void;
}

/** Reads, parses, imports and analyses one replayed HAR `repeats` times; medians. */
export function measureAnalysis(
  file: string,
  stats: ReplayStats,
  repeats: number,
): AnalysisSizeResult {
  const bytes = readFileSync(file);
  const parse: number[] = [];
  const imports: number[] = [];
  const analyses: number[] = [];
  const cli: number[] = [];
  let flows = 0;
  for (let run = 0; run < repeats; run++) {
    collectGarbage();
    parse.push(timed(() => JSON.parse(bytes.toString('utf8')) as unknown).ms);
    collectGarbage();
    const imported = timed(() => importAny(bytes, path.basename(file)));
    const analysis = timed(() =>
      analyze({
        exchanges: imported.value.exchanges,
        cookieEvents: imported.value.cookieEvents,
        now: Date.now(),
        responseBodies: imported.value.responseBodies,
        cookiesVisible: imported.value.source.cookiesVisible,
      }),
    );
    flows = analysis.value.flows.length;
    imports.push(imported.ms);
    analyses.push(analysis.ms);
    cli.push(imported.ms + analysis.ms);
  }
  const parseMs = median(parse);
  const cliMs = median(cli);
  return {
    exchanges: stats.exchanges,
    bytes: stats.bytes,
    copies: stats.copies,
    flows,
    runs: repeats,
    parseMs: round(parseMs),
    importMs: round(median(imports)),
    analyzeMs: round(median(analyses)),
    cliMs: round(cliMs),
    ratio: round(cliMs / parseMs),
    parseUsPerExchange: round((parseMs * 1000) / stats.exchanges),
    cliUsPerExchange: round((cliMs * 1000) / stats.exchanges),
  };
}

function wallMs(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`${args.join(' ')} exited ${result.status}: ${String(result.stderr)}`);
  return ms;
}

/** The real CLI as a user runs it (`session-tracer analyze file.har --json`) against a bare parse. */
export function measureCliSpawn(
  cliPath: string,
  file: string,
  exchanges: number,
  repeats: number,
): CliSpawnResult {
  const cli: number[] = [];
  const parse: number[] = [];
  const node: number[] = [];
  const parseScript = `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`;
  for (let run = 0; run < repeats; run++) {
    node.push(wallMs(['-e', '0']));
    parse.push(wallMs(['-e', parseScript]));
    cli.push(wallMs([cliPath, 'analyze', file, '--json']));
  }
  const cliMs = median(cli);
  const parseMs = median(parse);
  return {
    exchanges,
    runs: repeats,
    cliMs: round(cliMs),
    parseMs: round(parseMs),
    ratio: round(cliMs / parseMs),
    nodeMs: round(median(node)),
  };
}

/** Benchmark 1 over every size: replayed HARs, in-process medians, and one spawned CLI size. */
export function benchAnalysis(options: AnalysisBenchOptions): AnalysisBenchResult {
  const result: AnalysisBenchResult = { sizes: [], replay: [] };
  if (options.warmUp !== 0) warmUp(options.dir, options.warmUp ?? 1500);
  options.sizes.forEach((size, i) => {
    const file = path.join(options.dir, `replay-${size}.har`);
    const stats = writeReplayHar(file, { count: size });
    result.replay.push(stats);
    const repeats =
      typeof options.repeats === 'number' ? options.repeats : (options.repeats[i] ?? 3);
    try {
      const measured = measureAnalysis(file, stats, repeats);
      result.sizes.push(measured);
      options.log?.(
        `analysis ${size}: ${(stats.bytes / 1e6).toFixed(1)} MB, parse ${measured.parseMs} ms, ` +
          `import ${measured.importMs} ms, analyze ${measured.analyzeMs} ms, ratio ${measured.ratio}`,
      );
      if (options.cliPath && options.spawnSize === size) {
        result.spawn = measureCliSpawn(options.cliPath, file, size, options.spawnRepeats ?? 3);
        options.log?.(
          `cli spawn ${size}: ${result.spawn.cliMs} ms vs parse ${result.spawn.parseMs} ms`,
        );
      }
    } finally {
      rmSync(file, { force: true });
    }
  });
  return result;
}

/** Runs the whole path a few times on a small file first, so that the JIT has compiled it. */
function warmUp(dir: string, count: number): void {
  const file = path.join(dir, 'warm-up.har');
  const stats = writeReplayHar(file, { count });
  try {
    measureAnalysis(file, stats, 3);
  } finally {
    rmSync(file, { force: true });
  }
}
