import type { CookieEvent, Exchange } from '../model';
import type { AnalyzeInput } from './analyze';
import { createIncrementalAnalyzer } from './incremental';
import type { Analysis } from './types';

/** What a set of records is analysed with besides the records themselves. */
export interface RecordsContext {
  /** Response bodies by exchange id (a HAR's); the same object for the life of the records. */
  responseBodies: Readonly<Record<string, string>>;
  /** False for a source that cannot show cookies (a sanitized HAR). */
  cookiesVisible: boolean;
  /** The live recording has a cookie-jar record; a file has one only if it holds jar events. */
  live: boolean;
}

/** One step of the records: a new set (reset), then what was added since the last step. */
export interface RecordsUpdate {
  /** Starts a new set of records with this context (a file opened, the recording cleared). */
  reset?: RecordsContext;
  /** New exchanges, or new versions of known ones (same id). */
  exchanges: readonly Exchange[];
  cookieEvents: readonly CookieEvent[];
  now: number;
}

/**
 * The records of one view (the live recording or a file), kept where they are analysed so that
 * only what is new crosses to it, analysed incrementally after each update. Merges by id, as the
 * panel does (a restarted background sends its snapshot again), and keeps the panel's order.
 */
export class AnalyzedRecords {
  readonly #exchanges = new Map<string, Exchange>();
  readonly #cookieEvents = new Map<string, CookieEvent>();
  #sortedExchanges: Exchange[] = [];
  #sortedCookieEvents: CookieEvent[] = [];
  #context: RecordsContext = { responseBodies: {}, cookiesVisible: true, live: true };
  #analyzer = createIncrementalAnalyzer();
  #held: { exchanges: readonly Exchange[]; cookieEvents: readonly CookieEvent[] } | undefined;

  get exchangeCount(): number {
    return this.#sortedExchanges.length;
  }

  /** Hops held back for the next update (see startLarge). */
  get heldCount(): number {
    return this.#held?.exchanges.length ?? 0;
  }

  /**
   * Starts a new set from a whole file, analysing only its first `slice` hops (in time order)
   * and the jar changes up to them, so that a large file shows its first flows at once; the rest
   * is held and joins the next update. The flows of the slice are the file's first flows.
   */
  startLarge(
    context: RecordsContext,
    exchanges: readonly Exchange[],
    cookieEvents: readonly CookieEvent[],
    now: number,
    slice: number,
  ): Analysis {
    const ordered = [...exchanges].sort(byStart);
    if (ordered.length <= slice)
      return this.apply({ reset: context, exchanges, cookieEvents, now });
    const first = ordered.slice(0, slice);
    let until = -Infinity;
    for (const e of first) until = Math.max(until, e.timings.end ?? e.startedAt);
    const early = cookieEvents.filter((c) => c.time <= until);
    const analysis = this.apply({ reset: context, exchanges: first, cookieEvents: early, now });
    this.#held = {
      exchanges: ordered.slice(slice),
      cookieEvents: cookieEvents.filter((c) => c.time > until),
    };
    return analysis;
  }

  /** Applies one update and returns the analysis of every record so far. */
  apply(update: RecordsUpdate): Analysis {
    const held = this.#held;
    this.#held = undefined;
    if (held && !update.reset) {
      update = {
        ...update,
        exchanges: [...held.exchanges, ...update.exchanges],
        cookieEvents: [...held.cookieEvents, ...update.cookieEvents],
      };
    }
    if (update.reset) {
      this.#exchanges.clear();
      this.#cookieEvents.clear();
      this.#sortedExchanges = [];
      this.#sortedCookieEvents = [];
      this.#context = update.reset;
      this.#analyzer.reset();
    }
    this.#sortedExchanges = mergeById(
      this.#exchanges,
      this.#sortedExchanges,
      update.exchanges,
      (e) => e.id,
      byStart,
    );
    this.#sortedCookieEvents = mergeById(
      this.#cookieEvents,
      this.#sortedCookieEvents,
      update.cookieEvents,
      (c) => c.id,
      (a, b) => a.time - b.time,
    );
    return this.#analyzer.analyze(this.input(update.now));
  }

  /** The analysis input of the records as they are now (arrays are replaced, never changed). */
  input(now: number): AnalyzeInput {
    const cookieEvents = this.#sortedCookieEvents;
    return {
      exchanges: this.#sortedExchanges,
      cookieEvents,
      now,
      responseBodies: this.#context.responseBodies,
      cookiesVisible: this.#context.cookiesVisible,
      cookieJarVisible: this.#context.live || cookieEvents.length > 0,
    };
  }
}

/**
 * Adds records to a map by id and returns them in order. Records that come after every known one
 * (the usual case while recording) are appended; otherwise everything is sorted again, stably and
 * in insertion order, exactly as sorting the map's values would.
 */
export function mergeById<T>(
  byId: Map<string, T>,
  sorted: T[],
  added: readonly T[],
  idOf: (record: T) => string,
  compare: (a: T, b: T) => number,
): T[] {
  if (added.length === 0) return sorted;
  let append = true;
  let last = sorted[sorted.length - 1];
  for (const record of added) {
    const id = idOf(record);
    if (byId.has(id) || (last !== undefined && compare(last, record) > 0)) append = false;
    byId.set(id, record);
    last = record;
  }
  return append ? [...sorted, ...added] : [...byId.values()].sort(compare);
}

/** The panel's order of hops: by start, the hops of one request in their order. */
export function byStart(a: Exchange, b: Exchange): number {
  return a.startedAt - b.startedAt || (a.requestId === b.requestId ? a.hop - b.hop : 0);
}
