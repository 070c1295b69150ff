import { batch, signal } from '@preact/signals';
import type { RecordsContext } from '@/lib/analysis/analyzed-records';
import { analyze } from '@/lib/analysis/analyze';
import type { Analysis } from '@/lib/analysis/types';
import type { CookieEvent, Exchange } from '@/lib/model';
import type { WorkerClient } from './client';

/**
 * Keeps the worker's copy of the records in step with the page and shows its analysis. The page
 * sends each record once; while the worker is busy, what arrives is gathered and sent as one
 * update when it answers, so a fast recording costs one analysis (and one result to receive) at a
 * time rather than one per batch. An analysis answering for records no longer shown is dropped.
 */
export function createAnalysisSync(options: {
  worker: WorkerClient;
  context: () => RecordsContext;
  now: () => number;
  onError: (error: unknown) => void;
}) {
  const { worker } = options;
  const analysis = signal<Analysis>(analyze({ exchanges: [], now: 0 }));
  const analyzing = signal(false);
  /** Hops of a large file not in the analysis shown yet (its first flows come first). */
  const unanalyzed = signal(0);
  let unsent = {
    reset: true,
    poke: false,
    exchanges: [] as Exchange[],
    cookieEvents: [] as CookieEvent[],
  };
  let inFlight = false;
  /** While a file is being imported nothing is sent: the import starts the worker's new set. */
  let held = false;
  /** Bumped when the records shown change wholesale; older answers are then dropped. */
  let generation = 0;
  let scheduled = false;

  /** Sends after the current task: what arrives together goes together, in its final context. */
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      send();
    });
  };

  const send = () => {
    if (inFlight || held) return;
    const { reset, poke, exchanges, cookieEvents } = unsent;
    if (!reset && !poke && exchanges.length === 0 && cookieEvents.length === 0) return;
    unsent = { reset: false, poke: false, exchanges: [], cookieEvents: [] };
    const update = {
      ...(reset ? { reset: options.context() } : {}),
      exchanges,
      cookieEvents,
      now: options.now(),
    };
    const asked = generation;
    inFlight = true;
    analyzing.value = true;
    worker.records(update).then(
      (result) => {
        inFlight = false;
        if (asked === generation) {
          batch(() => {
            analysis.value = result;
            unanalyzed.value = 0;
            analyzing.value = false;
          });
        }
        schedule();
      },
      (error: unknown) => {
        inFlight = false;
        analyzing.value = false;
        options.onError(error);
        schedule();
      },
    );
  };

  // The worker's first set: the records this page starts with.
  schedule();
  return {
    analysis,
    analyzing,
    unanalyzed,
    /** Records the page merged; sent at once, or with the next update if one is under way. */
    add(exchanges: readonly Exchange[], cookieEvents: readonly CookieEvent[]) {
      unsent.exchanges.push(...exchanges);
      unsent.cookieEvents.push(...cookieEvents);
      schedule();
    },
    /** The page shows a new set of records (cleared, back to the recording). */
    reset() {
      generation += 1;
      unsent = { reset: true, poke: false, exchanges: [], cookieEvents: [] };
      batch(() => {
        unanalyzed.value = 0;
        analysis.value = analyze({ exchanges: [], now: 0 });
      });
      schedule();
    },
    /** Runs an import in the worker: nothing else is sent until it is done. */
    async importing<T>(run: () => Promise<T>): Promise<T> {
      held = true;
      try {
        return await run();
      } finally {
        held = false;
        schedule();
      }
    },
    /**
     * The worker imported a file and holds its records: shows its analysis, and asks for the
     * `pending` hops it held back (a large file's first flows come first).
     */
    showFile(fileAnalysis: Analysis, pending: number) {
      generation += 1;
      unsent = { reset: false, poke: pending > 0, exchanges: [], cookieEvents: [] };
      batch(() => {
        analysis.value = fileAnalysis;
        unanalyzed.value = pending;
        analyzing.value = inFlight;
      });
      schedule();
    },
  };
}

export type AnalysisSync = ReturnType<typeof createAnalysisSync>;
