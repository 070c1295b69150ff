import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { CookieEvent, Exchange } from '@/lib/model';
import { TraceStore } from '@/lib/store/trace-store';

let counter = 0;

/** A hop with sensible defaults; override what the test is about. */
export function makeExchange(over: Partial<Exchange> = {}): Exchange {
  counter += 1;
  const startedAt = over.startedAt ?? 1_000 + counter;
  return {
    id: `x${counter}`,
    requestId: String(counter),
    hop: 0,
    startedAt,
    tabId: 1,
    frameId: 0,
    parentFrameId: -1,
    type: 'main_frame',
    method: 'GET',
    url: `http://app.localhost/p${counter}`,
    requestHeaders: [],
    status: 200,
    responseHeaders: [],
    timings: { start: startedAt, end: startedAt + 1 },
    ...over,
  };
}

export function makeCookieEvent(over: Partial<CookieEvent> = {}): CookieEvent {
  counter += 1;
  return {
    id: `c${counter}`,
    time: 1_000 + counter,
    removed: false,
    cause: 'explicit',
    cookie: {
      name: 'sid',
      value: 'v',
      domain: 'app.localhost',
      path: '/',
      secure: false,
      httpOnly: true,
      sameSite: 'lax',
      hostOnly: true,
      session: true,
    },
    ...over,
  };
}

/** A store on a fresh fake IndexedDB, as isolated as a new browser profile. */
export function makeStore(): TraceStore {
  return new TraceStore({
    name: `test-${counter++}`,
    deps: { indexedDB: new IDBFactory(), IDBKeyRange },
  });
}
