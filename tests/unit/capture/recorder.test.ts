import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { Recorder, type RecordingSetting } from '@/lib/capture/recorder';
import type { WebRequestEvent } from '@/lib/capture/events';
import type { Exchange } from '@/lib/model';
import { makeStore } from '../../helpers/factories';
import { portPair } from '../../helpers/fake-port';

// The setting lives in storage.local, as in the background (fakeBrowser stands in for it).
const setting: RecordingSetting = {
  load: async () =>
    (await browser.storage.local.get('recording'))['recording'] as boolean | undefined,
  save: (on) => browser.storage.local.set({ recording: on }),
};

function hop(requestId: string, url: string, tabId = 1): WebRequestEvent[] {
  const d = {
    requestId,
    url,
    method: 'GET',
    tabId,
    frameId: 0,
    parentFrameId: -1,
    type: 'main_frame',
    timeStamp: Number(requestId),
  };
  return [
    { event: 'beforeRequest', details: d },
    {
      event: 'completed',
      details: {
        ...d,
        statusCode: 200,
        responseHeaders: [{ name: 'Set-Cookie', value: `c${requestId}=1` }],
      },
    },
  ];
}

const cookieChange = (name: string) => ({
  removed: false,
  cause: 'explicit',
  cookie: {
    name,
    value: 'v',
    domain: 'app.localhost',
    path: '/',
    secure: false,
    httpOnly: true,
    sameSite: 'lax',
    hostOnly: true,
    session: true,
  },
});

type Msg = { type: string; payload: Record<string, unknown> };

/** Waits until a condition holds (the recorder works asynchronously; machines are loaded). */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
const snapshotDone = (received: unknown[]) => () =>
  (received as Msg[]).some((m) => m.type === 'snapshot' && m.payload['done'] === true);
const exchangesIn = (messages: unknown[]) =>
  (messages as Msg[])
    .filter((m) => m.type === 'snapshot' || m.type === 'exchanges-added')
    .flatMap((m) => m.payload['exchanges'] as Exchange[])
    .map((e) => e.url);

describe('Recorder', () => {
  beforeEach(() => fakeBrowser.reset());

  it('stores finished hops and cookie changes', async () => {
    const store = makeStore();
    const recorder = new Recorder({ store, setting, now: () => 5, batchDelayMs: 1 });
    await recorder.ready;
    for (const e of hop('1', 'http://a.localhost/')) recorder.handleWebRequest(e);
    recorder.handleCookieChange(cookieChange('sid'));
    await recorder.flush();
    expect((await store.exchanges()).map((e) => e.url)).toEqual(['http://a.localhost/']);
    expect((await store.cookieEvents()).map((e) => [e.cookie.name, e.time])).toEqual([['sid', 5]]);
  });

  it('keeps cookie changes of the same millisecond in the order they came, past 36 of them', async () => {
    const store = makeStore();
    const recorder = new Recorder({ store, setting, now: () => 5, batchDelayMs: 1 });
    await recorder.ready;
    const names = Array.from({ length: 40 }, (_, i) => `c${i}`);
    for (const name of names) recorder.handleCookieChange(cookieChange(name));
    await recorder.flush();
    expect((await store.cookieEvents()).map((e) => e.cookie.name)).toEqual(names);
  });

  it('sends a panel what is stored for its tab, then live additions for that tab only', async () => {
    const store = makeStore();
    const recorder = new Recorder({ store, setting, now: () => 5, batchDelayMs: 1 });
    for (const e of hop('1', 'http://a.localhost/old')) recorder.handleWebRequest(e);
    await recorder.flush();
    const [panelSide, backgroundSide] = portPair();
    recorder.connectPanel(backgroundSide);
    panelSide.postMessage({ type: 'subscribe', payload: { tabId: 1 } });
    await until(snapshotDone(panelSide.received));
    for (const e of [
      ...hop('2', 'http://b.localhost/other-tab', 2),
      ...hop('3', 'http://a.localhost/new'),
    ]) {
      recorder.handleWebRequest(e);
    }
    await recorder.flush();
    expect(exchangesIn(panelSide.received)).toEqual([
      'http://a.localhost/old',
      'http://a.localhost/new',
    ]);
    const snapshot = (panelSide.received as Msg[]).find((m) => m.type === 'snapshot');
    expect(snapshot?.payload['done']).toBe(true);
  });

  it('sends a large snapshot in parts', async () => {
    const store = makeStore();
    const recorder = new Recorder({
      store,
      setting,
      now: () => 5,
      batchDelayMs: 1,
      snapshotChunk: 2,
    });
    for (const id of ['1', '2', '3', '4', '5'])
      for (const e of hop(id, `http://a.localhost/${id}`)) recorder.handleWebRequest(e);
    await recorder.flush();
    const [panelSide, backgroundSide] = portPair();
    recorder.connectPanel(backgroundSide);
    panelSide.postMessage({ type: 'subscribe', payload: {} });
    await until(snapshotDone(panelSide.received));
    const parts = (panelSide.received as Msg[]).filter((m) => m.type === 'snapshot');
    expect(parts.map((p) => (p.payload['exchanges'] as unknown[]).length)).toEqual([2, 2, 1]);
    expect(parts.map((p) => p.payload['done'])).toEqual([false, false, true]);
  });

  it('pausing stops recording and survives a restarted worker', async () => {
    const store = makeStore();
    const first = new Recorder({ store, setting, now: () => 5, batchDelayMs: 1 });
    await first.setRecording(false);
    // A new worker (MV3 stopped the old one) reads the switch back from storage.
    const second = new Recorder({ store, setting, now: () => 5, batchDelayMs: 1 });
    for (const e of hop('1', 'http://a.localhost/')) second.handleWebRequest(e);
    second.handleCookieChange(cookieChange('sid'));
    await second.ready;
    await second.flush();
    expect(second.recording).toBe(false);
    expect(await store.counts()).toEqual({ exchanges: 0, cookieEvents: 0 });
    await second.setRecording(true);
    for (const e of hop('2', 'http://a.localhost/after')) second.handleWebRequest(e);
    await second.flush();
    expect((await store.exchanges()).map((e) => e.url)).toEqual(['http://a.localhost/after']);
  });

  it('events that arrive before the setting is loaded are kept, not dropped', async () => {
    const store = makeStore();
    const recorder = new Recorder({ store, setting, now: () => 5, batchDelayMs: 1 });
    for (const e of hop('1', 'http://a.localhost/early')) recorder.handleWebRequest(e);
    await recorder.ready;
    await recorder.flush();
    expect((await store.exchanges()).map((e) => e.url)).toEqual(['http://a.localhost/early']);
  });

  it('clear() empties the store and tells every panel', async () => {
    const store = makeStore();
    const recorder = new Recorder({ store, setting, now: () => 5, batchDelayMs: 1 });
    for (const e of hop('1', 'http://a.localhost/')) recorder.handleWebRequest(e);
    const [panelSide, backgroundSide] = portPair();
    recorder.connectPanel(backgroundSide);
    panelSide.postMessage({ type: 'subscribe', payload: {} });
    panelSide.postMessage({ type: 'clear', payload: {} });
    await until(() => (panelSide.received as Msg[]).some((m) => m.type === 'cleared'));
    expect(await store.counts()).toEqual({ exchanges: 0, cookieEvents: 0 });
    expect((panelSide.received as Msg[]).some((m) => m.type === 'cleared')).toBe(true);
  });

  it('applies retention as hops arrive and tells the panel what was dropped', async () => {
    const store = makeStore();
    const recorder = new Recorder({
      store,
      setting,
      now: () => 5,
      batchDelayMs: 1,
      retentionEvery: 2,
      retention: { maxAgeMs: 1e9, maxExchanges: 2, maxCookieEvents: 10 },
    });
    const [panelSide, backgroundSide] = portPair();
    recorder.connectPanel(backgroundSide);
    panelSide.postMessage({ type: 'subscribe', payload: {} });
    await until(snapshotDone(panelSide.received));
    for (const id of ['1', '2', '3', '4'])
      for (const e of hop(id, `http://a.localhost/${id}`)) recorder.handleWebRequest(e);
    await recorder.flush();
    await until(async () => (await store.counts()).exchanges === 2);
    await until(() => (panelSide.received as Msg[]).some((m) => m.type === 'notice'));
    expect((await store.exchanges()).map((e) => e.url)).toEqual([
      'http://a.localhost/3',
      'http://a.localhost/4',
    ]);
    expect(
      (panelSide.received as Msg[]).some(
        (m) => m.type === 'notice' && String(m.payload['message']).includes('Retention removed 2'),
      ),
    ).toBe(true);
  });

  it('a panel that went away is forgotten, and others keep receiving', async () => {
    const store = makeStore();
    const recorder = new Recorder({ store, setting, now: () => 5, batchDelayMs: 1 });
    const [gonePanel, goneBackground] = portPair();
    const [livePanel, liveBackground] = portPair();
    recorder.connectPanel(goneBackground);
    recorder.connectPanel(liveBackground);
    gonePanel.postMessage({ type: 'subscribe', payload: {} });
    livePanel.postMessage({ type: 'subscribe', payload: {} });
    await until(snapshotDone(livePanel.received));
    await until(snapshotDone(gonePanel.received));
    gonePanel.disconnect();
    for (const e of hop('1', 'http://a.localhost/x')) recorder.handleWebRequest(e);
    await recorder.flush();
    expect(exchangesIn(livePanel.received)).toEqual(['http://a.localhost/x']);
  });
});

describe('Recorder and a panel that closes early', () => {
  it('a panel that closes while its snapshot is read causes no error', async () => {
    const store = makeStore();
    const recorder = new Recorder({ store, setting, now: () => 5, batchDelayMs: 1 });
    for (const e of hop('1', 'http://a.localhost/')) recorder.handleWebRequest(e);
    await recorder.flush();
    const [panelSide, backgroundSide] = portPair();
    recorder.connectPanel(backgroundSide);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    panelSide.postMessage({ type: 'subscribe', payload: {} });
    panelSide.disconnect();
    await new Promise((r) => setTimeout(r, 30));
    process.off('unhandledRejection', onRejection);
    expect(rejections).toEqual([]);
  });
});

describe('Recorder when storage is full', () => {
  it('drops the oldest tenth, tells the panel, and keeps recording', async () => {
    const store = makeStore();
    const recorder = new Recorder({ store, setting, now: () => 5, batchDelayMs: 1 });
    for (const id of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'])
      for (const e of hop(id, `http://a.localhost/${id}`)) recorder.handleWebRequest(e);
    await recorder.flush();
    const [panelSide, backgroundSide] = portPair();
    recorder.connectPanel(backgroundSide);
    panelSide.postMessage({ type: 'subscribe', payload: {} });
    await until(snapshotDone(panelSide.received));
    // The next write meets a full quota once, as IndexedDB reports it.
    const real = store.addExchanges.bind(store);
    let failures = 1;
    store.addExchanges = async (list) => {
      if (failures-- > 0) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
      return real(list);
    };
    for (const e of hop('11', 'http://a.localhost/new')) recorder.handleWebRequest(e);
    await recorder.flush();
    const urls = (await store.exchanges()).map((e) => e.url);
    expect(urls).not.toContain('http://a.localhost/1');
    expect(urls).toContain('http://a.localhost/new');
    expect(urls).toHaveLength(10);
    const notice = (panelSide.received as Msg[]).find((m) => m.type === 'notice');
    expect(String(notice?.payload['message'])).toMatch(/Storage is full: the oldest 1 hops/);
  });
});
