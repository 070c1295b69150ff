// Benchmark 2: the analysis the panel reruns after every batch of new hops while a recording grows.
import { isDeepStrictEqual } from 'node:util';
import { analyze, type AnalyzeInput } from '../lib/analysis/analyze';
import { createIncrementalAnalyzer } from '../lib/analysis/incremental';
import type { Analysis } from '../lib/analysis/types';
import { importAny } from '../lib/io/detect';
import type { CookieEvent, CookieSameSite, Exchange } from '../lib/model';
import { isRemoval, parseSetCookie } from '../lib/protocol/cookies';
import { replayHarText } from './har';
import { collectGarbage, median, quantile, round, timed } from './stats';

const SAME_SITE: Record<string, CookieSameSite> = {
  Strict: 'strict',
  Lax: 'lax',
  None: 'no_restriction',
};

/**
 * The cookie-jar changes a browser reports (cookies.onChanged) for the Set-Cookie headers of the
 * traffic, a moment after each response; cookies a browser refuses (SameSite=None without
 * Secure) leave no change.
 */
export function jarEvents(exchanges: readonly Exchange[]): CookieEvent[] {
  const events: CookieEvent[] = [];
  for (const e of exchanges) {
    let host = '';
    try {
      host = new URL(e.url).hostname;
    } catch {
      continue;
    }
    for (const h of e.responseHeaders) {
      if (h.name.toLowerCase() !== 'set-cookie') continue;
      const c = parseSetCookie(h.value);
      if (!c.name || (c.sameSite === 'None' && !c.secure)) continue;
      const removed = isRemoval(c, e.startedAt);
      events.push({
        id: `jar${events.length + 1}`,
        time: (e.timings.end ?? e.startedAt) + 1,
        removed,
        cause: removed ? 'expired_overwrite' : 'explicit',
        cookie: {
          name: c.name,
          value: c.value,
          domain: c.domain ?? host,
          path: c.path ?? '/',
          secure: c.secure,
          httpOnly: c.httpOnly,
          sameSite: SAME_SITE[c.sameSite ?? ''] ?? 'unspecified',
          hostOnly: c.domain === undefined,
          session: c.maxAge === undefined && c.expires === undefined,
        },
      });
    }
  }
  return events.sort((a, b) => a.time - b.time);
}

/** What the extension records: hops (no response bodies) and cookie-jar changes, in time order. */
export interface Recording {
  exchanges: Exchange[];
  cookieEvents: CookieEvent[];
}

/** A recording of `count` hops: the lab's fixtures replayed (see har.ts), with their jar changes. */
export function replayRecording(count: number): Recording {
  const imported = importAny(replayHarText({ count }), 'replay.har');
  const exchanges = [...imported.exchanges].sort((a, b) => a.startedAt - b.startedAt);
  return { exchanges, cookieEvents: jarEvents(exchanges) };
}

/** The recording as the panel holds it after the first `count` hops arrived. */
export function recordingAt(recording: Recording, count: number, now: number): AnalyzeInput {
  const exchanges = recording.exchanges.slice(0, count);
  let until = -Infinity;
  for (const e of exchanges) until = Math.max(until, (e.timings.end ?? e.startedAt) + 1);
  let events = 0;
  while (
    events < recording.cookieEvents.length &&
    (recording.cookieEvents[events] as CookieEvent).time <= until
  ) {
    events += 1;
  }
  return { exchanges, cookieEvents: recording.cookieEvents.slice(0, events), now };
}

export interface Timing {
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  samples: number;
}

export interface LiveBenchResult {
  total: number;
  batch: number;
  /** Batches measured "on top of" the recording: those ending after `measuredFrom` hops. */
  measuredFrom: number;
  flows: number;
  cookieEvents: number;
  /** analyze() of the whole recording after a batch. */
  full: Timing;
  /** The incremental analyzer after a batch. */
  incremental: Timing;
  /** The incremental analyzer over the whole growth, first batch included. */
  incrementalAll: Timing;
  /** Results compared with analyze(), and how many were deep-equal. */
  compared: number;
  equal: number;
}

export interface LiveBenchOptions {
  total: number;
  batch: number;
  /** Batches ending after this many hops are the ones reported (default: the last 20). */
  measuredFrom?: number;
  /** Compare with analyze() after every batch (tests) rather than on the measured ones only. */
  compareAll?: boolean;
  log?: (line: string) => void;
}

function timing(values: readonly number[]): Timing {
  return {
    medianMs: round(median(values)),
    p95Ms: round(quantile(values, 0.95)),
    maxMs: round(Math.max(...values)),
    samples: values.length,
  };
}

/**
 * Grows a replayed recording batch by batch to `total` hops, the incremental analyzer running
 * (timed) after each batch; then analyze() runs (timed) on the measured batches, and its result
 * is compared with the incremental one. Two phases, so that neither pays for the other's garbage.
 */
export function benchLive(options: LiveBenchOptions): LiveBenchResult {
  const { total, batch } = options;
  const recording = replayRecording(total);
  const measuredFrom = options.measuredFrom ?? Math.max(0, total - 20 * batch);
  const now = Date.parse('2026-12-02T00:00:00Z');
  const sizes: number[] = [];
  for (let count = batch; count < total + batch; count += batch) sizes.push(Math.min(count, total));
  const analyzer = createIncrementalAnalyzer();
  const incremental: number[] = [];
  const incrementalAll: number[] = [];
  const kept = new Map<number, Analysis>();
  collectGarbage();
  let last: Analysis | undefined;
  for (const size of sizes) {
    const input = recordingAt(recording, size, now);
    const inc = timed(() => analyzer.analyze(input));
    incrementalAll.push(inc.ms);
    last = inc.value;
    if (size > measuredFrom) incremental.push(inc.ms);
    if (size > measuredFrom || options.compareAll) kept.set(size, inc.value);
  }
  const full: number[] = [];
  let compared = 0;
  let equal = 0;
  for (const [size, value] of kept) {
    collectGarbage();
    const ref = timed(() => analyze(recordingAt(recording, size, now)));
    if (size > measuredFrom) full.push(ref.ms);
    compared += 1;
    if (isDeepStrictEqual(ref.value, value)) equal += 1;
    else options.log?.(`live: the incremental result differs from analyze() at ${size} hops`);
  }
  const result: LiveBenchResult = {
    total,
    batch,
    measuredFrom,
    flows: last?.flows.length ?? 0,
    cookieEvents: recording.cookieEvents.length,
    full: timing(full),
    incremental: timing(incremental),
    incrementalAll: timing(incrementalAll),
    compared,
    equal,
  };
  options.log?.(
    `live ${total}: analyze() median ${result.full.medianMs} ms p95 ${result.full.p95Ms} ms; ` +
      `incremental median ${result.incremental.medianMs} ms p95 ${result.incremental.p95Ms} ms; ` +
      `${equal}/${compared} equal`,
  );
  return result;
}
