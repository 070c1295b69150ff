import type { CookieEvent, Exchange } from '../model';
import {
  TypedPort,
  type BackgroundMessages,
  type PanelMessages,
  type PortLike,
  type Subscription,
} from '../messaging/protocol';
import { BatchWriter } from '../store/batch-writer';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../store/retention';
import type { TraceStore } from '../store/trace-store';
import { ExchangeAssembler } from './assemble';
import { toCookieEvent, type RawCookieChange } from './cookie-events';
import type { WebRequestEvent } from './events';

export type PanelPort = TypedPort<PanelMessages, BackgroundMessages>;

/** Where the recording switch survives a stopped worker (storage.local in the extension). */
export interface RecordingSetting {
  load(): Promise<boolean | undefined>;
  save(on: boolean): Promise<void>;
}

export interface RecorderOptions {
  store: TraceStore;
  setting: RecordingSetting;
  now: () => number;
  ownOrigins?: readonly string[];
  retention?: RetentionPolicy;
  /** Retention runs after this many stored hops (and once at start). */
  retentionEvery?: number;
  batchDelayMs?: number;
  /** Size of one snapshot message. */
  snapshotChunk?: number;
  log?: (message: string, error?: unknown) => void;
  /** Deletes one cookie from the browser's jar (cookies.remove in the extension). */
  removeCookie?: (url: string, name: string) => Promise<void>;
}

interface Subscriber {
  port: PanelPort;
  subscription: Subscription;
}

/**
 * The background's whole job, minus the browser wiring: assembles webRequest events into hops,
 * stores hops and cookie events in batches, and routes stored records to the panels that follow
 * them. Holds no record only in memory longer than one batch delay.
 */
export class Recorder {
  readonly #options: RecorderOptions;
  readonly #assembler: ExchangeAssembler;
  readonly #exchangeWriter: BatchWriter<Exchange>;
  readonly #cookieWriter: BatchWriter<CookieEvent>;
  readonly #subscribers = new Set<Subscriber>();
  #recording = true;
  #sinceRetention = 0;
  #cookieCounter = 0;
  readonly ready: Promise<void>;
  #isReady = false;
  #early: (() => void)[] = [];

  constructor(options: RecorderOptions) {
    this.#options = options;
    this.#assembler = new ExchangeAssembler({ ownOrigins: options.ownOrigins ?? [] });
    const delayMs = options.batchDelayMs ?? 50;
    this.#exchangeWriter = new BatchWriter<Exchange>({
      delayMs,
      write: async (exchanges) => {
        await this.#withRoom(() => options.store.addExchanges(exchanges));
        this.#broadcast((s) => {
          const visible = forTab(exchanges, s);
          if (visible.length > 0) s.port.send('exchanges-added', { exchanges: visible });
        });
        this.#sinceRetention += exchanges.length;
        if (this.#sinceRetention >= (options.retentionEvery ?? 1000)) await this.applyRetention();
      },
      onError: (error) => this.#reportStorageError(error),
    });
    this.#cookieWriter = new BatchWriter<CookieEvent>({
      delayMs,
      write: async (cookieEvents) => {
        await this.#withRoom(() => options.store.addCookieEvents(cookieEvents));
        this.#broadcast((s) => s.port.send('cookie-events-added', { cookieEvents }));
      },
      onError: (error) => this.#reportStorageError(error),
    });
    this.ready = this.#start();
  }

  get recording(): boolean {
    return this.#recording;
  }

  /** One webRequest event. Events that arrive before the setting is loaded wait for it. */
  handleWebRequest(event: WebRequestEvent): void {
    this.#whenReady(() => {
      if (!this.#recording) return;
      const done = this.#assembler.push(event);
      if (done.length > 0) this.#exchangeWriter.add(...done);
    });
  }

  /** One cookies.onChanged notification. */
  handleCookieChange(change: RawCookieChange): void {
    const time = this.#options.now();
    this.#whenReady(() => {
      if (!this.#recording) return;
      this.#cookieCounter += 1;
      // The counter is padded: IndexedDB lists changes of the same millisecond by id, and "z"
      // must come before "10".
      const count = this.#cookieCounter.toString(36).padStart(8, '0');
      const id = `${time.toString(36)}.${count}.${randomSuffix()}`;
      this.#cookieWriter.add(toCookieEvent(change, time, id));
    });
  }

  async setRecording(on: boolean): Promise<void> {
    await this.ready;
    this.#recording = on;
    if (!on) this.#exchangeWriter.add(...this.#assembler.drain(this.#options.now()));
    await this.#options.setting.save(on);
    this.#broadcast((s) => s.port.send('recording', { on }));
  }

  async clear(): Promise<void> {
    await this.flush();
    await this.#options.store.clear();
    this.#broadcast((s) => s.port.send('cleared', {}));
  }

  /** Deletes one party's cookies from the jar; the jar's change events record it as usual. */
  async clearCookies(cookies: readonly { url: string; name: string }[]): Promise<void> {
    const remove = this.#options.removeCookie;
    if (!remove) return;
    const failed: string[] = [];
    for (const { url, name } of cookies) {
      try {
        await remove(url, name);
      } catch {
        failed.push(name);
      }
    }
    const names = cookies.map((c) => c.name).join(', ');
    const message =
      failed.length === 0
        ? `Deleted ${cookies.length} cookie(s): ${names}.`
        : `Could not delete ${failed.join(', ')}.`;
    this.#broadcast((s) =>
      s.port.send('notice', { level: failed.length ? 'error' : 'info', message }),
    );
  }

  /** Writes what is queued; resolves once it is stored. */
  async flush(): Promise<void> {
    await Promise.all([this.#exchangeWriter.flush(), this.#cookieWriter.flush()]);
  }

  async applyRetention(): Promise<void> {
    this.#sinceRetention = 0;
    const policy = this.#options.retention ?? DEFAULT_RETENTION;
    const result = await this.#options.store.applyRetention(this.#options.now(), policy);
    const dropped = result.exchangesDropped + result.cookieEventsDropped;
    if (dropped > 0) {
      this.#broadcast((s) =>
        s.port.send('notice', {
          level: 'info',
          message: `Retention removed ${result.exchangesDropped} old hops and ${result.cookieEventsDropped} old cookie changes.`,
        }),
      );
    }
  }

  /** Follows a panel's port: what it asks for, then what is stored, then live additions. */
  connectPanel(raw: PortLike): PanelPort {
    const port: PanelPort = new TypedPort<PanelMessages, BackgroundMessages>(raw, {
      subscribe: (subscription) => void this.#subscribe(port, subscription),
      'set-recording': ({ on }) => void this.setRecording(on),
      clear: () => void this.clear(),
      'clear-cookies': ({ cookies }) => void this.clearCookies(cookies),
    });
    port.onDisconnect(() => {
      for (const s of this.#subscribers) if (s.port === port) this.#subscribers.delete(s);
    });
    return port;
  }

  async #subscribe(port: PanelPort, subscription: Subscription): Promise<void> {
    await this.ready;
    const subscriber: Subscriber = { port, subscription };
    // Live additions start now; the panel merges them with the snapshot by id.
    this.#subscribers.add(subscriber);
    this.#broadcast((s) => {
      if (s === subscriber) s.port.send('recording', { on: this.#recording });
    });
    await this.flush();
    const query = subscription.tabId === undefined ? {} : { tabId: subscription.tabId };
    const [exchanges, cookieEvents] = await Promise.all([
      this.#options.store.exchanges(query),
      this.#options.store.cookieEvents(),
    ]);
    const chunk = this.#options.snapshotChunk ?? 1000;
    const parts = Math.max(1, Math.ceil(Math.max(exchanges.length, cookieEvents.length) / chunk));
    for (let i = 0; i < parts; i++) {
      // The panel may have closed while the snapshot was read: stop quietly.
      if (!this.#subscribers.has(subscriber)) return;
      try {
        port.send('snapshot', {
          exchanges: exchanges.slice(i * chunk, (i + 1) * chunk),
          cookieEvents: cookieEvents.slice(i * chunk, (i + 1) * chunk),
          done: i === parts - 1,
        });
      } catch {
        this.#subscribers.delete(subscriber);
        return;
      }
    }
  }

  async #start(): Promise<void> {
    try {
      const saved = await this.#options.setting.load();
      if (saved !== undefined) this.#recording = saved;
    } catch (error) {
      this.#options.log?.('could not load the recording setting; recording stays on', error);
    }
    this.#isReady = true;
    const early = this.#early;
    this.#early = [];
    for (const run of early) run();
    try {
      await this.applyRetention();
    } catch (error) {
      this.#reportStorageError(error);
    }
  }

  /**
   * Runs a write; when the browser says the storage quota is full, drops the oldest tenth of the
   * recording, tells the panels, and tries once more (a full disk must not stop the recording).
   */
  async #withRoom(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!isQuotaError(error)) throw error;
      const dropped = await this.#options.store.dropOldest(0.1);
      const message = `Storage is full: the oldest ${dropped.exchanges} hops and ${dropped.cookieEvents} cookie changes were dropped to keep recording.`;
      this.#broadcast((s) => s.port.send('notice', { level: 'warning', message }));
      await write();
    }
  }

  #whenReady(run: () => void): void {
    if (this.#isReady) run();
    else this.#early.push(run);
  }

  #broadcast(send: (s: Subscriber) => void): void {
    for (const s of this.#subscribers) {
      try {
        send(s);
      } catch {
        // The panel went away between two messages; its onDisconnect removes it.
        this.#subscribers.delete(s);
      }
    }
  }

  #reportStorageError(error: unknown): void {
    this.#options.log?.('storage write failed', error);
    const message = `Could not store the recording: ${error instanceof Error ? error.message : String(error)}`;
    this.#broadcast((s) => s.port.send('notice', { level: 'error', message }));
  }
}

function forTab(exchanges: Exchange[], s: Subscriber): Exchange[] {
  const tabId = s.subscription.tabId;
  return tabId === undefined ? exchanges : exchanges.filter((e) => e.tabId === tabId);
}

function randomSuffix(): string {
  return Math.floor(Math.random() * 0x100000).toString(36);
}

/** IndexedDB's quota error, as Dexie or the browser reports it. */
export function isQuotaError(error: unknown): boolean {
  const names = [error, (error as { inner?: unknown } | null)?.inner].map(
    (e) => (e as { name?: unknown } | null)?.name,
  );
  return names.includes('QuotaExceededError');
}
