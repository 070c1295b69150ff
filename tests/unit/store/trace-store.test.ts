import { afterEach, describe, expect, it } from 'vitest';
import type { TraceStore } from '@/lib/store/trace-store';
import { makeCookieEvent, makeExchange, makeStore } from '../../helpers/factories';

describe('TraceStore', () => {
  let store: TraceStore;
  afterEach(() => store.close());

  it('keeps hops and lists them by time, for one tab or all', async () => {
    store = makeStore();
    await store.addExchanges([
      makeExchange({ id: 'b', tabId: 2, startedAt: 20 }),
      makeExchange({ id: 'a', tabId: 1, startedAt: 10 }),
      makeExchange({ id: 'c', tabId: 1, startedAt: 30 }),
    ]);
    expect((await store.exchanges()).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect((await store.exchanges({ tabId: 1 })).map((e) => e.id)).toEqual(['a', 'c']);
    expect((await store.exchanges({ since: 20 })).map((e) => e.id)).toEqual(['b', 'c']);
    expect((await store.exchanges({ limit: 2 })).map((e) => e.id)).toEqual(['b', 'c']);
  });

  it('stores a hop once even when written twice', async () => {
    store = makeStore();
    const hop = makeExchange({ id: 'same' });
    await store.addExchanges([hop]);
    await store.addExchanges([{ ...hop, status: 302 }]);
    const all = await store.exchanges();
    expect(all.map((e) => [e.id, e.status])).toEqual([['same', 302]]);
  });

  it('keeps cookie events in time order', async () => {
    store = makeStore();
    await store.addCookieEvents([
      makeCookieEvent({ id: 'late', time: 9 }),
      makeCookieEvent({ id: 'early', time: 3 }),
    ]);
    expect((await store.cookieEvents()).map((e) => e.id)).toEqual(['early', 'late']);
  });

  it('clear() empties both tables', async () => {
    store = makeStore();
    await store.addExchanges([makeExchange()]);
    await store.addCookieEvents([makeCookieEvent()]);
    await store.clear();
    expect(await store.counts()).toEqual({ exchanges: 0, cookieEvents: 0 });
  });

  it('retention drops what is too old, then the oldest beyond the count limit', async () => {
    store = makeStore();
    await store.addExchanges(
      [10, 20, 30, 40, 50].map((t) => makeExchange({ id: `t${t}`, startedAt: t })),
    );
    await store.addCookieEvents([5, 25, 45].map((t) => makeCookieEvent({ id: `c${t}`, time: t })));
    const result = await store.applyRetention(100, {
      maxAgeMs: 85,
      maxExchanges: 2,
      maxCookieEvents: 1,
    });
    // Age cut-off is 15: t10 and c5 go by age; then t20 and t30 by count, c25 by count.
    expect(result).toEqual({ exchangesDropped: 3, cookieEventsDropped: 2 });
    expect((await store.exchanges()).map((e) => e.id)).toEqual(['t40', 't50']);
    expect((await store.cookieEvents()).map((e) => e.id)).toEqual(['c45']);
  });

  it('retention keeps everything within the limits', async () => {
    store = makeStore();
    await store.addExchanges([makeExchange({ startedAt: 90 })]);
    const result = await store.applyRetention(100, {
      maxAgeMs: 50,
      maxExchanges: 5,
      maxCookieEvents: 5,
    });
    expect(result).toEqual({ exchangesDropped: 0, cookieEventsDropped: 0 });
    expect(await store.counts()).toEqual({ exchanges: 1, cookieEvents: 0 });
  });
});
