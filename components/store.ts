import { batch, computed, signal } from '@preact/signals';
import { analyze } from '@/lib/analysis/analyze';
import type { Analysis } from '@/lib/analysis/types';
import type { CookieEvent, Exchange } from '@/lib/model';
import {
  TypedPort,
  type BackgroundMessages,
  type PanelMessages,
  type PortLike,
  type Subscription,
} from '@/lib/messaging/protocol';

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface PanelStoreOptions {
  /** Opens a new port to the background (called again after the worker restarts). */
  connect: () => PortLike;
  subscription: Subscription;
  /** How long to wait before reconnecting after the port closed. */
  reconnectDelayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  now?: () => number;
}

/**
 * The panel's state: records merged by id (the snapshot and live additions may overlap, and a
 * restarted worker sends its snapshot again), the recording switch and notices. Only this store
 * talks to the port; components read its signals.
 */
export function createPanelStore(options: PanelStoreOptions) {
  const exchangesById = new Map<string, Exchange>();
  const cookieEventsById = new Map<string, CookieEvent>();
  const exchanges = signal<Exchange[]>([]);
  const cookieEvents = signal<CookieEvent[]>([]);
  const recording = signal(true);
  const connected = signal(false);
  const loaded = signal(false);
  const notices = signal<Notice[]>([]);
  const selectedId = signal<string | null>(null);
  const selected = computed(() => {
    const id = selectedId.value;
    return id === null ? undefined : exchanges.value.find((e) => e.id === id);
  });
  const selectedFlowId = signal<string | null>(null);
  // The analysis follows the recording: rerun on every change (analyze() is pure and fast).
  const analysis = computed<Analysis>(() =>
    analyze({
      exchanges: exchanges.value,
      cookieEvents: cookieEvents.value,
      now: (options.now ?? Date.now)(),
      cookieJarVisible: true,
    }),
  );
  const selectedFlow = computed(() =>
    analysis.value.flows.find((f) => f.id === selectedFlowId.value),
  );
  let port: TypedPort<BackgroundMessages, PanelMessages> | undefined;
  let closed = false;

  const mergeExchanges = (added: Exchange[]) => {
    if (added.length === 0) return;
    for (const e of added) exchangesById.set(e.id, e);
    exchanges.value = [...exchangesById.values()].sort(byStart);
  };
  const mergeCookieEvents = (added: CookieEvent[]) => {
    if (added.length === 0) return;
    for (const e of added) cookieEventsById.set(e.id, e);
    cookieEvents.value = [...cookieEventsById.values()].sort((a, b) => a.time - b.time);
  };
  const reset = () => {
    exchangesById.clear();
    cookieEventsById.clear();
    batch(() => {
      exchanges.value = [];
      cookieEvents.value = [];
      selectedId.value = null;
      selectedFlowId.value = null;
    });
  };

  const open = () => {
    if (closed) return;
    let raw: PortLike;
    try {
      raw = options.connect();
    } catch (error) {
      notices.value = [
        ...notices.value,
        { level: 'error', message: `Cannot reach the extension: ${String(error)}` },
      ];
      return;
    }
    port = new TypedPort<BackgroundMessages, PanelMessages>(raw, {
      snapshot: ({ exchanges: e, cookieEvents: c, done }) =>
        batch(() => {
          mergeExchanges(e);
          mergeCookieEvents(c);
          if (done) loaded.value = true;
        }),
      'exchanges-added': ({ exchanges: e }) => mergeExchanges(e),
      'cookie-events-added': ({ cookieEvents: c }) => mergeCookieEvents(c),
      cleared: () => reset(),
      recording: ({ on }) => (recording.value = on),
      notice: (notice) => (notices.value = [...notices.value.slice(-4), notice]),
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

  return {
    exchanges,
    cookieEvents,
    recording,
    connected,
    loaded,
    notices,
    selectedId,
    selected,
    analysis,
    selectedFlowId,
    selectedFlow,
    subscription: options.subscription,
    start: open,
    stop() {
      closed = true;
      port?.disconnect();
    },
    setRecording(on: boolean) {
      port?.send('set-recording', { on });
    },
    clear() {
      port?.send('clear', {});
    },
    select(id: string | null) {
      selectedId.value = id;
    },
    selectFlow(id: string | null) {
      batch(() => {
        selectedFlowId.value = id;
        selectedId.value = null;
      });
    },
    dismissNotices() {
      notices.value = [];
    },
  };
}

export type PanelStore = ReturnType<typeof createPanelStore>;

function byStart(a: Exchange, b: Exchange): number {
  return a.startedAt - b.startedAt || (a.requestId === b.requestId ? a.hop - b.hop : 0);
}
