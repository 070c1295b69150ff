import { Dexie, type EntityTable } from 'dexie';
import type { CookieEvent, Exchange } from '../model';
import { ageCutoff, overflow, type RetentionPolicy } from './retention';

export const DATABASE_NAME = 'session-tracer';

/** What IndexedDB implementation to use: the browser's, or fake-indexeddb in tests. */
export interface IndexedDbDeps {
  indexedDB: IDBFactory;
  IDBKeyRange: typeof IDBKeyRange;
}

class TraceDatabase extends Dexie {
  exchanges!: EntityTable<Exchange, 'id'>;
  cookieEvents!: EntityTable<CookieEvent, 'id'>;

  constructor(name: string, deps?: IndexedDbDeps) {
    super(name, deps ? { indexedDB: deps.indexedDB, IDBKeyRange: deps.IDBKeyRange } : undefined);
    this.version(1).stores({
      exchanges: 'id, startedAt, [tabId+startedAt]',
      cookieEvents: 'id, time',
    });
  }
}

export interface ExchangeQuery {
  /** Only this tab's hops; all tabs when absent. */
  tabId?: number;
  /** Only hops that started at or after this time. */
  since?: number;
  /** At most this many, the newest kept. */
  limit?: number;
}

export interface RetentionResult {
  exchangesDropped: number;
  cookieEventsDropped: number;
}

/**
 * The recording on disk: exchanges and cookie events in IndexedDB, so that a stopped worker loses
 * nothing. Stores and queries; does not assemble or analyze.
 */
export class TraceStore {
  readonly #db: TraceDatabase;

  constructor(options: { name?: string; deps?: IndexedDbDeps } = {}) {
    this.#db = new TraceDatabase(options.name ?? DATABASE_NAME, options.deps);
  }

  async addExchanges(exchanges: readonly Exchange[]): Promise<void> {
    if (exchanges.length > 0) await this.#db.exchanges.bulkPut([...exchanges]);
  }

  async addCookieEvents(events: readonly CookieEvent[]): Promise<void> {
    if (events.length > 0) await this.#db.cookieEvents.bulkPut([...events]);
  }

  /** Hops in the order they started (oldest first). */
  async exchanges(query: ExchangeQuery = {}): Promise<Exchange[]> {
    const since = query.since ?? -Infinity;
    const collection =
      query.tabId === undefined
        ? this.#db.exchanges.where('startedAt').aboveOrEqual(since)
        : this.#db.exchanges
            .where('[tabId+startedAt]')
            .between([query.tabId, since], [query.tabId, Infinity], true, true);
    if (query.limit === undefined) return collection.toArray();
    const newest = await collection.reverse().limit(query.limit).toArray();
    return newest.reverse();
  }

  /** Cookie-jar changes in the order they happened (oldest first). */
  async cookieEvents(query: { since?: number; limit?: number } = {}): Promise<CookieEvent[]> {
    const collection = this.#db.cookieEvents.where('time').aboveOrEqual(query.since ?? -Infinity);
    if (query.limit === undefined) return collection.toArray();
    const newest = await collection.reverse().limit(query.limit).toArray();
    return newest.reverse();
  }

  async counts(): Promise<{ exchanges: number; cookieEvents: number }> {
    const [exchanges, cookieEvents] = await Promise.all([
      this.#db.exchanges.count(),
      this.#db.cookieEvents.count(),
    ]);
    return { exchanges, cookieEvents };
  }

  /** Empties the recording. */
  async clear(): Promise<void> {
    await this.#db.transaction('rw', this.#db.exchanges, this.#db.cookieEvents, async () => {
      await this.#db.exchanges.clear();
      await this.#db.cookieEvents.clear();
    });
  }

  /** Drops what is older than the policy's age, then the oldest beyond its counts. */
  async applyRetention(now: number, policy: RetentionPolicy): Promise<RetentionResult> {
    const cutoff = ageCutoff(now, policy);
    return this.#db.transaction('rw', this.#db.exchanges, this.#db.cookieEvents, async () => {
      let exchangesDropped = await this.#db.exchanges.where('startedAt').below(cutoff).delete();
      let cookieEventsDropped = await this.#db.cookieEvents.where('time').below(cutoff).delete();
      const extraExchanges = overflow(await this.#db.exchanges.count(), policy.maxExchanges);
      if (extraExchanges > 0) {
        const keys = await this.#db.exchanges
          .orderBy('startedAt')
          .limit(extraExchanges)
          .primaryKeys();
        await this.#db.exchanges.bulkDelete(keys);
        exchangesDropped += keys.length;
      }
      const extraEvents = overflow(await this.#db.cookieEvents.count(), policy.maxCookieEvents);
      if (extraEvents > 0) {
        const keys = await this.#db.cookieEvents.orderBy('time').limit(extraEvents).primaryKeys();
        await this.#db.cookieEvents.bulkDelete(keys);
        cookieEventsDropped += keys.length;
      }
      return { exchangesDropped, cookieEventsDropped };
    });
  }

  /** Drops this fraction of the oldest records of each table (to make room when storage is full). */
  async dropOldest(fraction: number): Promise<{ exchanges: number; cookieEvents: number }> {
    return this.#db.transaction('rw', this.#db.exchanges, this.#db.cookieEvents, async () => {
      const counts = await this.counts();
      const dropExchanges = Math.ceil(counts.exchanges * fraction);
      const dropEvents = Math.ceil(counts.cookieEvents * fraction);
      const exchangeKeys = await this.#db.exchanges
        .orderBy('startedAt')
        .limit(dropExchanges)
        .primaryKeys();
      const eventKeys = await this.#db.cookieEvents.orderBy('time').limit(dropEvents).primaryKeys();
      await this.#db.exchanges.bulkDelete(exchangeKeys);
      await this.#db.cookieEvents.bulkDelete(eventKeys);
      return { exchanges: exchangeKeys.length, cookieEvents: eventKeys.length };
    });
  }

  close(): void {
    this.#db.close();
  }
}
