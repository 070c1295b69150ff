// `npm run bench`: every benchmark side by side, then docs/benchmarks.md. bench/run.mjs builds this
// file (and the CLI) with Vite and runs it; the pure parts run in child processes of their own
// (a large heap, --expose-gc, no browser next to them).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../lib/analysis/analyze';
import { importAny } from '../lib/io/detect';
import { benchAnalysis, type AnalysisBenchResult } from './analysis';
import {
  benchCapture,
  benchMemory,
  benchPanel,
  chromiumVersion,
  type CaptureResult,
  type MemoryResult,
  type PanelResult,
} from './browser';
import { writeReplayHar } from './har';
import { benchLive, type LiveBenchResult } from './live';
import { renderReport, type BenchReport, type Machine } from './report';

export const BENCHES = ['analysis', 'live', 'capture', 'panel', 'memory'] as const;
export type BenchName = (typeof BENCHES)[number];

interface Options {
  quick: boolean;
  only: BenchName[];
  out: string | undefined;
  /** Re-render the report from the figures a run saved (its JSON), measuring nothing. */
  render: string | undefined;
}

/** The sizes of each benchmark: the full run, and --quick (seconds, a smoke run). */
export function plan(quick: boolean) {
  return quick
    ? {
        analysis: { sizes: [200, 500, 1000], repeats: [3, 3, 3], spawnSize: 500, spawnRepeats: 1 },
        live: { total: 600, batch: 50 },
        capture: { runs: 1, scenarios: [1] },
        panel: { exchanges: 500, runs: 1 },
        memory: { exchanges: 1000 },
      }
    : {
        analysis: {
          sizes: [2000, 20000, 100000],
          repeats: [5, 3, 3],
          spawnSize: 20000,
          spawnRepeats: 3,
        },
        live: { total: 10000, batch: 50 },
        capture: { runs: 5, scenarios: [1, 2, 3] },
        panel: { exchanges: 10000, runs: 3 },
        memory: { exchanges: 50000 },
      };
}

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

/** Writes the report, formatted as `npm run check` wants it (Prettier, the project's settings). */
async function writeReport(file: string, report: BenchReport): Promise<void> {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(renderReport(report), { ...config, filepath: file }));
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { quick: false, only: [...BENCHES], out: undefined, render: undefined };
  for (const arg of argv) {
    if (arg === '--quick') options.quick = true;
    else if (arg.startsWith('--only=')) {
      const names = arg.slice('--only='.length).split(',').filter(Boolean);
      for (const n of names)
        if (!(BENCHES as readonly string[]).includes(n))
          throw new Error(`unknown benchmark "${n}": one of ${BENCHES.join(', ')}`);
      options.only = names as BenchName[];
    } else if (arg.startsWith('--out=')) options.out = arg.slice('--out='.length);
    else if (arg.startsWith('--render=')) options.render = arg.slice('--render='.length);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        `npm run bench [-- --quick] [--only=${BENCHES.join(',')}] [--out=FILE]\n` +
          '  --quick   tiny sizes (seconds); writes to a temporary file unless --out is given\n' +
          '  --only=a,b  run only these benchmarks (also writes elsewhere than docs/ by default)\n' +
          '  --render=FILE.json  write the report again from the figures a run saved\n',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

function machine(chromium: string | undefined, started: Date): Machine {
  const cpus = os.cpus();
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    chromium: chromium ?? 'not run',
    os: `${os.type()} ${os.release()}`,
    date: started.toISOString(),
    load: os.loadavg().map((l) => Number(l.toFixed(2))),
    commit,
  };
}

/** Runs this bundle again as a child with its own heap; returns what the child wrote. */
function child<T>(name: 'analysis' | 'live', params: unknown, dir: string): Promise<T> {
  const out = path.join(dir, `${name}.json`);
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=12288',
        self,
        '--child',
        name,
        JSON.stringify(params),
        out,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the ${name} benchmark exited with ${code}`));
      else resolve(JSON.parse(readFileSync(out, 'utf8')) as T);
    });
  });
}

async function runChild(name: string, params: string, out: string): Promise<void> {
  const p = JSON.parse(params) as Record<string, unknown>;
  let result: unknown;
  if (name === 'analysis') {
    result = benchAnalysis({
      sizes: p['sizes'] as number[],
      repeats: p['repeats'] as number[],
      dir: p['dir'] as string,
      ...(p['cliPath'] ? { cliPath: p['cliPath'] as string } : {}),
      spawnSize: p['spawnSize'] as number,
      spawnRepeats: p['spawnRepeats'] as number,
      log,
    });
  } else if (name === 'live') {
    result = benchLive({ total: p['total'] as number, batch: p['batch'] as number, log });
  } else throw new Error(`unknown child ${name}`);
  writeFileSync(out, JSON.stringify(result));
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === '--child') {
    await runChild(argv[1] ?? '', argv[2] ?? '{}', argv[3] ?? '');
    return;
  }
  const options = parseOptions(argv);
  if (options.render) {
    const saved = JSON.parse(readFileSync(options.render, 'utf8')) as BenchReport;
    const out = options.out ?? path.resolve('docs/benchmarks.md');
    await writeReport(out, saved);
    log(`wrote ${out} from ${options.render}`);
    return;
  }
  const sizes = plan(options.quick);
  const started = new Date();
  const t0 = performance.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'session-tracer-bench-'));
  const extensionDir = process.env['BENCH_EXTENSION'] ?? path.resolve('.output/chrome-mv3');
  const cliPath = process.env['BENCH_CLI'];
  const report: BenchReport = { quick: options.quick, durations: {} };
  const timedStep = async <T>(name: BenchName, run: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    log(`${name}...`);
    const value = await run();
    report.durations[name] = Math.round((performance.now() - t) / 1000);
    return value;
  };
  try {
    const want = (name: BenchName) => options.only.includes(name);
    if (want('analysis')) {
      report.analysis = await timedStep('analysis', () =>
        child<AnalysisBenchResult>('analysis', { ...sizes.analysis, dir, cliPath }, dir),
      );
    }
    if (want('live')) {
      report.live = await timedStep('live', () => child<LiveBenchResult>('live', sizes.live, dir));
    }
    if (want('capture')) {
      report.capture = await timedStep('capture', (): Promise<CaptureResult> =>
        benchCapture({ extensionDir, ...sizes.capture, log }),
      );
    }
    if (want('panel')) {
      report.panel = await timedStep('panel', (): Promise<PanelResult> => {
        const file = path.join(dir, `viewer-${sizes.panel.exchanges}.har`);
        const stats = writeReplayHar(file, { count: sizes.panel.exchanges });
        const imported = importAny(readFileSync(file), 'replay.har');
        const flows = analyze({
          exchanges: imported.exchanges,
          now: Date.now(),
          responseBodies: imported.responseBodies,
          cookiesVisible: imported.source.cookiesVisible,
        }).flows.length;
        return benchPanel({
          extensionDir,
          harFile: file,
          exchanges: stats.exchanges,
          bytes: stats.bytes,
          flows,
          runs: sizes.panel.runs,
          log,
        });
      });
    }
    if (want('memory')) {
      report.memory = await timedStep('memory', (): Promise<MemoryResult> =>
        benchMemory({ extensionDir, ...sizes.memory, log }),
      );
    }
    const browserRan = want('capture') || want('panel') || want('memory');
    report.machine = machine(browserRan ? await chromiumVersion() : undefined, started);
    report.totalSeconds = Math.round((performance.now() - t0) / 1000);
    const full = !options.quick && options.only.length === BENCHES.length;
    const out =
      options.out ??
      (full
        ? path.resolve('docs/benchmarks.md')
        : path.join(os.tmpdir(), `session-tracer-bench-${options.quick ? 'quick' : 'partial'}.md`));
    mkdirSync(path.dirname(out), { recursive: true });
    await writeReport(out, report);
    // The figures alone, to render the report again (--render) after editing bench/report.ts.
    const saved = path.join(os.tmpdir(), 'session-tracer-bench-last.json');
    writeFileSync(saved, `${JSON.stringify(report, null, 2)}\n`);
    log(`figures saved in ${saved}`);
    log(`wrote ${out} (${report.totalSeconds} s)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
