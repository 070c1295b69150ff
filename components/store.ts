import { batch, computed, effect, signal } from '@preact/signals';
import { analyze, type AnalyzeInput } from '@/lib/analysis/analyze';
import { byStart, mergeById, type RecordsContext } from '@/lib/analysis/analyzed-records';
import type { Analysis } from '@/lib/analysis/types';
import { importAny } from '@/lib/io/detect';
import type { ImportResult } from '@/lib/io/types';
import type { CookieEvent, Exchange } from '@/lib/model';
import {
  TypedPort,
  type BackgroundMessages,
  type PanelMessages,
  type PortLike,
  type Subscription,
} from '@/lib/messaging/protocol';
import { filterExchanges } from '@/lib/view/filter';
import type { WorkerClient } from './worker/client';

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}

export type PanelTab = 'sequence' | 'sessions' | 'tokens' | 'problems' | 'narrative' | 'hops';

export interface PanelStoreOptions {
  /** Opens a new port to the background (called again after the worker restarts); absent in the viewer. */
  connect?: () => PortLike;
  subscription: Subscription;
  /** How long to wait before reconnecting after the port closed. */
  reconnectDelayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  now?: () => number;
  /** The panel worker: analysis and import off the page's thread (absent in unit tests). */
  worker?: WorkerClient;
}

/** Where the records came from: the live recording, or a file opened in the viewer. */
export interface RecordSource {
  kind: 'live' | 'file';
  name?: string;
  cookiesVisible: boolean;
  warnings: string[];
  responseBodies: Record<string, string>;
}

/**
 * The panel's state: records merged by id (the snapshot and live additions may overlap, and a
 * restarted worker sends its snapshot again), the analysis derived from them, what is selected,
 * the recording switch and notices. Only this store talks to the port; components read signals.
 */
export function createPanelStore(options: PanelStoreOptions) {
  const exchangesById = new Map<string, Exchange>();
  const cookieEventsById = new Map<string, CookieEvent>();
  const exchanges = signal<Exchange[]>([]);
  const cookieEvents = signal<CookieEvent[]>([]);
  const source = signal<RecordSource>({
    kind: options.connect ? 'live' : 'file',
    cookiesVisible: true,
    warnings: [],
    responseBodies: {},
  });
  const recording = signal(true);
  const connected = signal(false);
  const loaded = signal(!options.connect);
  const notices = signal<Notice[]>([]);
  const selectedId = signal<string | null>(null);
  const selectedFlowId = signal<string | null>(null);
  const tab = signal<PanelTab>('sequence');
  const notify = (notice: Notice) => (notices.value = [...notices.value.slice(-4), notice]);
  const search = signal('');
  const loginOnly = signal(false);

  // The analysis follows the records. Without a worker (unit tests) it is computed here from
  // the whole input; with one, the worker keeps the records and gets only what is new.
  const analysisInput = computed<AnalyzeInput>(() => ({
    exchanges: exchanges.value,
    cookieEvents: cookieEvents.value,
    now: (options.now ?? Date.now)(),
    responseBodies: source.value.responseBodies,
    cookiesVisible: source.value.cookiesVisible,
    cookieJarVisible: source.value.kind === 'live' || cookieEvents.value.length > 0,
  }));
  const worker = options.worker;
  const workerAnalysis = signal<Analysis>(analyze({ exchanges: [], now: 0 }));
  const analyzing = signal(false);
  /** Hops of a large file not in the analysis shown yet (its first flows come first). */
  const unanalyzed = signal(0);
  /** What the worker has not been sent yet: a new set of records, then additions. */
  const unsent = { reset: true, exchanges: [] as Exchange[], cookieEvents: [] as CookieEvent[] };
  let latest = 0;
  const track = (pending: Promise<Analysis>) => {
    const ticket = ++latest;
    analyzing.value = true;
    pending.then(
      (result) => {
        if (ticket !== latest) return;
        batch(() => {
          workerAnalysis.value = result;
          analyzing.value = false;
          unanalyzed.value = 0;
        });
      },
      (error: unknown) => {
        if (ticket === latest) analyzing.value = false;
        notify({ level: 'error', message: `The analysis failed: ${String(error)}` });
      },
    );
  };
  if (worker) {
    effect(() => {
      // Reruns when the records or their source change.
      const current = source.value;
      void exchanges.value;
      void cookieEvents.value;
      if (!unsent.reset && unsent.exchanges.length === 0 && unsent.cookieEvents.length === 0)
        return;
      const update = {
        ...(unsent.reset ? { reset: contextOf(current) } : {}),
        exchanges: unsent.exchanges,
        cookieEvents: unsent.cookieEvents,
        now: (options.now ?? Date.now)(),
      };
      unsent.reset = false;
      unsent.exchanges = [];
      unsent.cookieEvents = [];
      track(worker.records(update));
    });
  }
  const analysis = worker ? workerAnalysis : computed<Analysis>(() => analyze(analysisInput.value));
  const selected = computed(() => {
    const id = selectedId.value;
    return id === null ? undefined : exchanges.value.find((e) => e.id === id);
  });
  const selectedFlow = computed(() =>
    analysis.value.flows.find((f) => f.id === selectedFlowId.value),
  );
  /** The hops the list shows: the selected flow's, or all traffic, then the filters. */
  const visibleExchanges = computed(() => {
    const flow = selectedFlow.value;
    const inFlows = loginOnly.value
      ? new Set(analysis.value.flows.flatMap((f) => f.exchangeIds))
      : undefined;
    const base = flow
      ? exchanges.value.filter((e) => flow.exchangeIds.includes(e.id))
      : inFlows
        ? exchanges.value.filter((e) => inFlows.has(e.id))
        : exchanges.value;
    return filterExchanges(base, search.value);
  });

  let port: TypedPort<BackgroundMessages, PanelMessages> | undefined;
  let closed = false;

  const mergeExchanges = (added: Exchange[]) => {
    if (added.length === 0) return;
    unsent.exchanges.push(...added);
    // New hops usually come after the others: appended, not sorted again (100,000 hops).
    exchanges.value = mergeById(exchangesById, exchanges.value, added, (e) => e.id, byStart);
  };
  const mergeCookieEvents = (added: CookieEvent[]) => {
    if (added.length === 0) return;
    unsent.cookieEvents.push(...added);
    cookieEvents.value = mergeById(
      cookieEventsById,
      cookieEvents.value,
      added,
      (e) => e.id,
      (a, b) => a.time - b.time,
    );
  };
  /** Counts the record sets shown: a file's records that come late belong to one of them. */
  let fileGeneration = 0;
  const reset = () => {
    exchangesById.clear();
    cookieEventsById.clear();
    unsent.reset = true;
    unsent.exchanges = [];
    unsent.cookieEvents = [];
    fileGeneration += 1;
    batch(() => {
      unanalyzed.value = 0;
      exchanges.value = [];
      cookieEvents.value = [];
      selectedId.value = null;
      selectedFlowId.value = null;
    });
  };

  const open = () => {
    const connect = options.connect;
    if (closed || !connect) return;
    let raw: PortLike;
    try {
      raw = connect();
    } catch (error) {
      notify({ level: 'error', message: `Cannot reach the extension: ${String(error)}` });
      return;
    }
    // While a file is shown, the recording goes on in the background but not into this view.
    const showingLive = () => source.value.kind === 'live';
    port = new TypedPort<BackgroundMessages, PanelMessages>(raw, {
      snapshot: ({ exchanges: e, cookieEvents: c, done }) =>
        showingLive() &&
        batch(() => {
          mergeExchanges(e);
          mergeCookieEvents(c);
          if (done) loaded.value = true;
        }),
      'exchanges-added': ({ exchanges: e }) => showingLive() && mergeExchanges(e),
      'cookie-events-added': ({ cookieEvents: c }) => showingLive() && mergeCookieEvents(c),
      cleared: () => showingLive() && reset(),
      recording: ({ on }) => (recording.value = on),
      notice: notify,
    });
    connected.value = true;
    port.onDisconnect(() => {
      connected.value = false;
      port = undefined;
      // An MV3 worker that went idle closes its ports; a new port wakes it again.
      const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
      setTimer(open, options.reconnectDelayMs ?? 250);
    });
    port.send('subscribe', options.subscription);
  };

  /**
   * Shows an imported file instead of the recording (the viewer, or Import in the panel).
   * `analyzed` is given when the worker imported the file: it keeps the records and has
   * analysed them already, so nothing is sent back to it.
   */
  const loadFile = (result: ImportResult, name: string, analyzed?: Analysis, pending = 0) => {
    // One batch: the worker must see no intermediate state (an empty set would wipe the file
    // it has just imported).
    batch(() => {
      reset();
      source.value = {
        kind: 'file',
        name,
        cookiesVisible: result.source.cookiesVisible,
        warnings: result.warnings,
        responseBodies: result.responseBodies,
      };
      mergeExchanges(result.exchanges);
      mergeCookieEvents(result.cookieEvents);
      if (analyzed && worker) {
        unsent.reset = false;
        unsent.exchanges = [];
        unsent.cookieEvents = [];
        latest += 1;
        workerAnalysis.value = analyzed;
        analyzing.value = false;
        unanalyzed.value = pending;
      }
      loaded.value = true;
    });
    // The rest of a large file: the worker holds it, an empty update analyses it.
    if (analyzed && worker && pending > 0) {
      track(worker.records({ exchanges: [], cookieEvents: [], now: (options.now ?? Date.now)() }));
    }
    // Show the first flow once the file is analysed (at once when it already is).
    const pick = () => {
      const first = analysis.value.flows[0];
      if (first && selectedFlowId.value === null) selectedFlowId.value = first.id;
    };
    pick();
    const stop = effect(() => {
      if (!analyzing.value) {
        pick();
        queueMicrotask(() => stop());
      }
    });
  };

  return {
    exchanges,
    cookieEvents,
    source,
    recording,
    connected,
    loaded,
    notices,
    selectedId,
    selected,
    analysis,
    analyzing,
    unanalyzed,
    selectedFlowId,
    selectedFlow,
    visibleExchanges,
    tab,
    search,
    loginOnly,
    subscription: options.subscription,
    live: options.connect !== undefined,
    worker: options.worker,
    start: open,
    stop() {
      closed = true;
      port?.disconnect();
    },
    setRecording(on: boolean) {
      port?.send('set-recording', { on });
    },
    clear() {
      if (port) port.send('clear', {});
      else reset();
    },
    /** Asks the background to delete one party's session cookies from the jar. */
    clearTier(cookies: { url: string; name: string }[]) {
      port?.send('clear-cookies', { cookies });
    },
    select(id: string | null) {
      selectedId.value = id;
    },
    /** Selects a hop and shows it, from wherever it was linked (a problem, an arrow). */
    showHop(id: string) {
      batch(() => {
        selectedId.value = id;
      });
    },
    selectFlow(id: string | null) {
      batch(() => {
        selectedFlowId.value = id;
        selectedId.value = null;
      });
    },
    loadFile,
    /**
     * Opens a file's bytes: in the worker when there is one (a 50 MB HAR must not freeze the
     * page). The flows show as soon as the worker has them; the hops follow.
     */
    async openFile(bytes: Uint8Array, name: string) {
      if (!worker) {
        loadFile(importAny(bytes, name), name);
        return;
      }
      const {
        summary,
        analysis: analyzed,
        pending,
      } = await worker.importFile(bytes, name, (options.now ?? Date.now)());
      // Asked for before the rest of the analysis, so the worker answers it first.
      const records = worker.fileRecords();
      const empty = { exchanges: [], cookieEvents: [], responseBodies: {} };
      loadFile({ ...summary, ...empty }, name, analyzed, pending);
      const generation = fileGeneration;
      const file = await records;
      // Another file, or the recording, may be shown by now.
      if (generation !== fileGeneration) return;
      batch(() => {
        mergeExchanges(file.exchanges);
        mergeCookieEvents(file.cookieEvents);
        source.value = { ...source.value, responseBodies: file.responseBodies };
        // The worker has these records already.
        unsent.exchanges = [];
        unsent.cookieEvents = [];
      });
    },
    /** Leaves a file and shows the recording again. */
    backToLive() {
      if (!options.connect) return;
      // One batch, so that the worker's new set gets the recording's context, not the file's.
      batch(() => {
        reset();
        source.value = { kind: 'live', cookiesVisible: true, warnings: [], responseBodies: {} };
        loaded.value = false;
      });
      port?.send('subscribe', options.subscription);
    },
    notify,
    dismissNotices() {
      notices.value = [];
    },
  };
}

export type PanelStore = ReturnType<typeof createPanelStore>;

function contextOf(source: RecordSource): RecordsContext {
  return {
    responseBodies: source.responseBodies,
    cookiesVisible: source.cookiesVisible,
    live: source.kind === 'live',
  };
}
