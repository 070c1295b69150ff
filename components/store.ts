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
import { createAnalysisSync } from './worker/analysis-sync';
import type { WorkerClient } from './worker/client';
import type { FileRecords } from '@/lib/messaging/worker-protocol';

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
  const sync = worker
    ? createAnalysisSync({
        worker,
        context: () => contextOf(source.value),
        now: options.now ?? Date.now,
        onError: (error) =>
          notify({ level: 'error', message: `The analysis failed: ${String(error)}` }),
      })
    : undefined;
  const analysis = sync ? sync.analysis : computed<Analysis>(() => analyze(analysisInput.value));
  const analyzing = sync?.analyzing ?? signal(false);
  const unanalyzed = sync?.unanalyzed ?? signal(0);
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

  /** Merges hops into the list; `workerHasThem` for a file the worker imported itself. */
  const mergeExchanges = (added: Exchange[], workerHasThem = false) => {
    if (added.length === 0) return;
    if (!workerHasThem) sync?.add(added, []);
    // New hops usually come after the others: appended, not sorted again (100,000 hops).
    exchanges.value = mergeById(exchangesById, exchanges.value, added, (e) => e.id, byStart);
  };
  const mergeCookieEvents = (added: CookieEvent[], workerHasThem = false) => {
    if (added.length === 0) return;
    if (!workerHasThem) sync?.add([], added);
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
    fileGeneration += 1;
    sync?.reset();
    batch(() => {
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
      // The worker imported it and keeps its records: nothing to send back.
      const workerHasThem = analyzed !== undefined && sync !== undefined;
      mergeExchanges(result.exchanges, workerHasThem);
      mergeCookieEvents(result.cookieEvents, workerHasThem);
      if (analyzed && sync) sync.showFile(analyzed, pending);
      loaded.value = true;
    });
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
      let records: Promise<FileRecords> | undefined;
      // Nothing else goes to the worker meanwhile: the import starts its new set of records.
      await sync?.importing(async () => {
        const opened = await worker.importFile(bytes, name, (options.now ?? Date.now)());
        // Asked for before the rest of the analysis, so the worker answers it first.
        records = worker.fileRecords();
        const empty = { exchanges: [], cookieEvents: [], responseBodies: {} };
        loadFile({ ...opened.summary, ...empty }, name, opened.analysis, opened.pending);
      });
      const generation = fileGeneration;
      const file = await records;
      // Another file, or the recording, may be shown by now.
      if (!file || generation !== fileGeneration) return;
      batch(() => {
        // The worker has these records already.
        mergeExchanges(file.exchanges, true);
        mergeCookieEvents(file.cookieEvents, true);
        source.value = { ...source.value, responseBodies: file.responseBodies };
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
