// The benchmarks' pure parts (bench/analysis.ts, bench/live.ts) at tiny sizes, through the same
// code `npm run bench` runs, so that they cannot rot: they must produce figures. No timing is
// asserted. And the incremental analyzer the live benchmark measures must give what analyze()
// gives, fed the lab's recordings hop by hop.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchAnalysis } from '../../bench/analysis';
import { replayHarText, writeReplayHar } from '../../bench/har';
import { benchLive, jarEvents } from '../../bench/live';
import { analyze, type AnalyzeInput } from '@/lib/analysis/analyze';
import { createIncrementalAnalyzer } from '@/lib/analysis/incremental';
import { importAny } from '@/lib/io/detect';
import type { CookieEvent, Exchange } from '@/lib/model';

const dir = mkdtempSync(path.join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Heavier than most unit tests (hundreds of analyses): time enough on a shared 2-core machine.
describe('the benchmarks at tiny sizes', { timeout: 60_000 }, () => {
  it('analysis against JSON.parse produces figures for every size', () => {
    const result = benchAnalysis({ sizes: [40, 90], repeats: 1, dir, warmUp: 0 });
    expect(result.sizes.map((s) => s.exchanges)).toEqual([40, 90]);
    for (const s of result.sizes) {
      expect(s.bytes).toBeGreaterThan(0);
      expect(s.flows).toBeGreaterThan(0);
      for (const figure of [s.parseMs, s.importMs, s.analyzeMs, s.cliMs, s.ratio])
        expect(figure).toBeGreaterThan(0);
      expect(s.cliUsPerExchange).toBeGreaterThan(0);
    }
  });

  it('the replayed HAR is the lab fixtures one after another, with fresh states', () => {
    const file = path.join(dir, 'replay.har');
    const stats = writeReplayHar(file, { count: 120 });
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(replayHarText({ count: 120 }));
    const imported = importAny(text, 'replay.har');
    expect(imported.exchanges).toHaveLength(120);
    expect(stats.copies).toBeGreaterThan(9);
    const starts = imported.exchanges.map((e) => e.startedAt);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const analysis = analyze({ exchanges: imported.exchanges, now: 0 });
    expect(analysis.flows.flatMap((f) => f.diagnostics).map((d) => d.id)).not.toContain(
      'STATE_REUSED',
    );
  });

  it('live analysis produces figures and the incremental result equals analyze()', () => {
    const result = benchLive({ total: 240, batch: 30, compareAll: true });
    expect(result.incremental.samples).toBeGreaterThan(0);
    expect(result.full.samples).toBeGreaterThan(0);
    expect(result.incremental.medianMs).toBeGreaterThan(0);
    expect(result.full.medianMs).toBeGreaterThan(0);
    expect(result.flows).toBeGreaterThan(0);
    expect(result.compared).toBe(8);
    expect(result.equal).toBe(result.compared);
  });
});

/** Feeds the records `batch` hops at a time; after each batch both analyses must be equal. */
function feed(
  exchanges: readonly Exchange[],
  batch: number,
  extra: Partial<AnalyzeInput> & { jar?: CookieEvent[] } = {},
): number {
  const analyzer = createIncrementalAnalyzer();
  let checks = 0;
  for (let n = Math.min(batch, exchanges.length); ; n = Math.min(n + batch, exchanges.length)) {
    const part = exchanges.slice(0, n);
    const until = Math.max(...part.map((e) => (e.timings.end ?? e.startedAt) + 1));
    const input: AnalyzeInput = {
      exchanges: part,
      now: 0,
      ...(extra.responseBodies ? { responseBodies: extra.responseBodies } : {}),
      ...(extra.jar ? { cookieEvents: extra.jar.filter((ev) => ev.time <= until) } : {}),
    };
    expect(analyzer.analyze(input), `after ${n} of ${exchanges.length} hops`).toStrictEqual(
      analyze(input),
    );
    checks += 1;
    if (n === exchanges.length) return checks;
  }
}

/** A fixed shuffle (arrival out of time order). */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const labDir = 'tests/fixtures/lab';
const fixtures = readdirSync(labDir).filter((f) => f.endsWith('.har'));

describe('createIncrementalAnalyzer() gives what analyze() gives', { timeout: 60_000 }, () => {
  it.each(fixtures)('%s fed hop by hop, 3 and 7 at a time, with bodies and with the jar', (f) => {
    const imported = importAny(readFileSync(path.join(labDir, f)), f);
    const exchanges = imported.exchanges;
    let checks = 0;
    for (const batch of [1, 3, 7]) {
      checks += feed(exchanges, batch, { responseBodies: imported.responseBodies });
      checks += feed(exchanges, batch, { jar: jarEvents(exchanges) });
    }
    checks += feed(shuffled(exchanges, 7), 2, { jar: jarEvents(exchanges) });
    expect(checks).toBeGreaterThan(exchanges.length);
  });

  it('every lab recording replayed one after another, in batches, in and out of order', () => {
    const replay = importAny(replayHarText({ count: 400 }), 'replay.har').exchanges;
    const jar = jarEvents(replay);
    expect(feed(replay, 25, { jar })).toBe(16);
    expect(feed(replay, 40)).toBe(10);
    // Hops that arrive late (a long request ends after later ones started) and hops removed
    // (retention) make the analyzer go back: still the same results.
    expect(feed(shuffled(replay.slice(0, 150), 3), 10, { jar })).toBe(15);
    const analyzer = createIncrementalAnalyzer();
    const input = (list: readonly Exchange[]): AnalyzeInput => ({ exchanges: list, now: 0 });
    for (const list of [replay.slice(0, 200), replay.slice(50, 260), replay.slice(0, 300)])
      expect(analyzer.analyze(input(list))).toStrictEqual(analyze(input(list)));
  });

  it('a recording with an exchange listed twice and ids that repeat', () => {
    const imported = importAny(readFileSync(path.join(labDir, 'logout.har')), 'logout.har');
    const list = imported.exchanges;
    const twice = [...list.slice(0, 10), list[3] as Exchange, ...list.slice(10)];
    const sameIds = list.map((e, i) => (i % 5 === 0 ? { ...e, id: (list[0] as Exchange).id } : e));
    for (const exchanges of [twice, sameIds]) expect(feed(exchanges, 4)).toBeGreaterThan(5);
  });
});
