// The panel store with a worker: the worker keeps the records, so the page sends each record once,
// and an imported file's records never travel back. The worker here runs the same AnalyzedRecords
// in-process, behind a structured clone as postMessage would do.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPanelStore } from '@/components/store';
import type { WorkerClient } from '@/components/worker/client';
import { analyze } from '@/lib/analysis/analyze';
import { AnalyzedRecords, type RecordsUpdate } from '@/lib/analysis/analyzed-records';
import { importAny } from '@/lib/io/detect';
import type { PortLike } from '@/lib/messaging/protocol';
import { portPair } from '../../helpers/fake-port';

function inProcessWorker(slice = 10_000) {
  const records = new AnalyzedRecords();
  const updates: RecordsUpdate[] = [];
  let lastFile: unknown;
  // Answers come back as messages do: cloned, in a later task.
  const later = <T>(value: T) =>
    new Promise<T>((resolve) => setTimeout(() => resolve(structuredClone(value)), 0));
  const client = {
    records: (update: RecordsUpdate) => {
      updates.push(update);
      return later(records.apply(structuredClone(update)));
    },
    importFile: (bytes: Uint8Array, name: string, now: number) => {
      const file = importAny(bytes, name);
      const context = {
        responseBodies: file.responseBodies,
        cookiesVisible: file.source.cookiesVisible,
        live: false,
      };
      const analysis = records.startLarge(context, file.exchanges, file.cookieEvents, now, slice);
      const { exchanges, cookieEvents, responseBodies, ...summary } = file;
      lastFile = { exchanges, cookieEvents, responseBodies };
      return later({ summary, analysis, pending: records.heldCount });
    },
    fileRecords: () => later(lastFile),
    exportTrace: () => Promise.reject(new Error('not in this test')),
  } as unknown as WorkerClient;
  return { client, updates };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
/** Waits (a task at a time) until the condition holds: the worker answers in later tasks. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await settle();
  expect(condition()).toBe(true);
}
const lab = (name: string) => readFileSync(`tests/fixtures/lab/${name}.har`);

describe('panel store with its worker', () => {
  it('sends each hop to the worker once, and shows the analysis of all of them', async () => {
    const worker = inProcessWorker();
    const backgrounds: PortLike[] = [];
    const store = createPanelStore({
      connect: () => {
        const [panelSide, backgroundSide] = portPair();
        backgrounds.push(backgroundSide);
        return panelSide;
      },
      subscription: {},
      worker: worker.client,
      now: () => 5,
    });
    store.start();
    const { exchanges } = importAny(lab('sso'), 'sso.har');
    const bg = backgrounds[0]!;
    const half = Math.floor(exchanges.length / 2);
    bg.postMessage({
      type: 'snapshot',
      payload: { exchanges: exchanges.slice(0, half), cookieEvents: [], done: true },
    });
    await settle();
    for (const e of exchanges.slice(half)) {
      bg.postMessage({ type: 'exchanges-added', payload: { exchanges: [e] } });
      await settle();
    }
    await until(() => !store.analyzing.value);
    const sentIds = worker.updates.flatMap((u) => u.exchanges.map((e) => e.id));
    expect(sentIds).toEqual(exchanges.map((e) => e.id));
    expect(worker.updates.filter((u) => u.reset)).toHaveLength(1);
    expect(store.analyzing.value).toBe(false);
    const expected = analyze({ exchanges: store.exchanges.value, now: 5, cookieJarVisible: true });
    expect(store.analysis.value).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(store.analysis.value.flows.length).toBeGreaterThan(1);

    // Cleared: the worker starts a new set.
    bg.postMessage({ type: 'cleared', payload: {} });
    await settle();
    expect(worker.updates.at(-1)?.reset).toBeDefined();
    expect(store.analysis.value.flows).toEqual([]);
  });

  it('a file imported in the worker is shown with its analysis; its records are not sent back', async () => {
    const worker = inProcessWorker();
    const store = createPanelStore({ subscription: {}, worker: worker.client, now: () => 5 });
    await settle();
    const before = worker.updates.length;
    await store.openFile(new Uint8Array(lab('federated-login')), 'federated-login.har');
    await settle();
    expect(worker.updates.length).toBe(before);
    expect(store.source.value).toMatchObject({ kind: 'file', name: 'federated-login.har' });
    expect(store.analysis.value.flows.length).toBeGreaterThan(0);
    expect(store.selectedFlowId.value).toBe(store.analysis.value.flows[0]!.id);
    expect(store.exchanges.value.length).toBe(store.analysis.value.source.exchanges);

    // A file that cannot be read: a clear error, and what was shown stays.
    await expect(store.openFile(new TextEncoder().encode('{"log":'), 'bad.har')).rejects.toThrow();
    expect(store.source.value.name).toBe('federated-login.har');
    expect(store.analysis.value.flows.length).toBeGreaterThan(0);
  });
});

describe('panel store with its worker, back from a file', () => {
  it('starts the live set with the recording context', async () => {
    const worker = inProcessWorker();
    const store = createPanelStore({
      connect: () => portPair()[0],
      subscription: {},
      worker: worker.client,
      now: () => 5,
    });
    store.start();
    await store.openFile(new Uint8Array(lab('password-login')), 'password-login.har');
    store.backToLive();
    await until(() => worker.updates.at(-1)?.reset !== undefined && !store.analyzing.value);
    const last = worker.updates.at(-1);
    expect(last?.reset).toEqual({ responseBodies: {}, cookiesVisible: true, live: true });
    expect(store.analysis.value.flows).toEqual([]);
    expect(store.analysis.value.source.cookieJarVisible).toBe(true);
  });
});

describe('panel store with its worker, a large file', () => {
  it('shows the first flows at once, says the rest is coming, then shows the whole file', async () => {
    const worker = inProcessWorker(5);
    const store = createPanelStore({ subscription: {}, worker: worker.client, now: () => 5 });
    await settle();
    const bytes = new Uint8Array(lab('federated-login'));
    const hops = importAny(bytes, 'f.har').exchanges.length;
    const opening = store.openFile(bytes, 'federated-login.har');
    // The first flows, before the hops have come.
    await new Promise<void>((resolve) => {
      const wait = () => (store.analysis.value.flows.length > 0 ? resolve() : setTimeout(wait, 0));
      wait();
    });
    expect(store.unanalyzed.value).toBe(hops - 5);
    expect(store.analysis.value.source.exchanges).toBe(5);
    expect(store.selectedFlowId.value).toBe('flow-1');
    await opening;
    expect(store.exchanges.value.length).toBe(hops);
    await settle();
    expect(store.unanalyzed.value).toBe(0);
    expect(store.analysis.value.source.exchanges).toBe(hops);
    expect(worker.updates.at(-1)).toMatchObject({ exchanges: [], cookieEvents: [] });
    const expected = analyze({ exchanges: store.exchanges.value, now: 5, cookieJarVisible: false });
    expect(store.analysis.value).toEqual(JSON.parse(JSON.stringify(expected)));
  });
});

describe('panel store with a busy worker', () => {
  it('gathers what arrives while the worker is busy into one update', async () => {
    const records = new AnalyzedRecords();
    const updates: RecordsUpdate[] = [];
    const answers: (() => void)[] = [];
    const client = {
      records: (update: RecordsUpdate) => {
        updates.push(update);
        const result = records.apply(structuredClone(update));
        return new Promise((resolve) => answers.push(() => resolve(structuredClone(result))));
      },
    } as unknown as WorkerClient;
    const backgrounds: PortLike[] = [];
    const store = createPanelStore({
      connect: () => {
        const [panelSide, backgroundSide] = portPair();
        backgrounds.push(backgroundSide);
        return panelSide;
      },
      subscription: {},
      worker: client,
      now: () => 5,
    });
    store.start();
    await settle();
    expect(updates).toHaveLength(1); // the first, empty set: still unanswered
    const { exchanges } = importAny(lab('sso'), 'sso.har');
    for (const e of exchanges)
      backgrounds[0]!.postMessage({ type: 'exchanges-added', payload: { exchanges: [e] } });
    await settle();
    expect(updates).toHaveLength(1);
    answers.shift()!();
    await until(() => updates.length === 2);
    expect(updates[1]!.exchanges.map((e) => e.id)).toEqual(exchanges.map((e) => e.id));
    answers.shift()!();
    await until(() => !store.analyzing.value);
    expect(store.analysis.value.source.exchanges).toBe(exchanges.length);
    expect(updates).toHaveLength(2);
  });
});
