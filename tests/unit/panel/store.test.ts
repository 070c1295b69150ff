import { describe, expect, it } from 'vitest';
import { createPanelStore } from '@/components/store';
import type { PortLike } from '@/lib/messaging/protocol';
import { makeExchange } from '../../helpers/factories';
import { portPair } from '../../helpers/fake-port';

function connectedStore() {
  const backgrounds: (PortLike & { received: unknown[] })[] = [];
  const timers: (() => void)[] = [];
  const store = createPanelStore({
    connect: () => {
      const [panelSide, backgroundSide] = portPair();
      backgrounds.push(backgroundSide);
      return panelSide;
    },
    subscription: { tabId: 3 },
    setTimer: (fn) => void timers.push(fn),
  });
  store.start();
  return { store, backgrounds, timers };
}

describe('panel store', () => {
  it('subscribes for its tab and merges snapshot and live hops by id, in time order', () => {
    const { store, backgrounds } = connectedStore();
    const bg = backgrounds[0]!;
    expect(bg.received).toEqual([{ type: 'subscribe', payload: { tabId: 3 } }]);
    const a = makeExchange({ id: 'a', startedAt: 1 });
    const b = makeExchange({ id: 'b', startedAt: 2 });
    bg.postMessage({ type: 'exchanges-added', payload: { exchanges: [b] } });
    bg.postMessage({
      type: 'snapshot',
      payload: { exchanges: [a, b], cookieEvents: [], done: true },
    });
    expect(store.exchanges.value.map((e) => e.id)).toEqual(['a', 'b']);
    expect(store.loaded.value).toBe(true);
  });

  it('reconnects after the worker closed the port, and keeps what it showed', () => {
    const { store, backgrounds, timers } = connectedStore();
    backgrounds[0]!.postMessage({
      type: 'exchanges-added',
      payload: { exchanges: [makeExchange({ id: 'kept' })] },
    });
    backgrounds[0]!.disconnect();
    expect(store.connected.value).toBe(false);
    timers.shift()!();
    expect(store.connected.value).toBe(true);
    expect(backgrounds[1]?.received).toEqual([{ type: 'subscribe', payload: { tabId: 3 } }]);
    expect(store.exchanges.value.map((e) => e.id)).toEqual(['kept']);
  });

  it('sends the recording switch and clear, and empties itself when told it was cleared', () => {
    const { store, backgrounds } = connectedStore();
    const bg = backgrounds[0]!;
    store.setRecording(false);
    store.clear();
    expect(bg.received.slice(1)).toEqual([
      { type: 'set-recording', payload: { on: false } },
      { type: 'clear', payload: {} },
    ]);
    bg.postMessage({ type: 'exchanges-added', payload: { exchanges: [makeExchange()] } });
    store.select(store.exchanges.value[0]!.id);
    bg.postMessage({ type: 'cleared', payload: {} });
    bg.postMessage({ type: 'recording', payload: { on: false } });
    expect(store.exchanges.value).toEqual([]);
    expect(store.selected.value).toBeUndefined();
    expect(store.recording.value).toBe(false);
  });

  it('ignores messages it does not know', () => {
    const { store, backgrounds } = connectedStore();
    backgrounds[0]!.postMessage({ type: 'from-the-future', payload: {} });
    backgrounds[0]!.postMessage('not even an object');
    expect(store.exchanges.value).toEqual([]);
  });
});

describe('panel store analysis', () => {
  it('analyses what arrives: a login becomes a flow the panel can select', async () => {
    const { TrafficBuilder } = await import('../../helpers/flow-builder');
    const t = new TrafficBuilder();
    const authorize =
      'https://as.example/authorize?response_type=code&client_id=c&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s&nonce=n&scope=openid&code_challenge=x&code_challenge_method=S256';
    t.go('GET', 'https://app.example/login', { redirect: authorize });
    t.go('GET', authorize, { redirect: 'https://as.example/login' });
    t.go('GET', 'https://as.example/login');
    t.go('POST', 'https://as.example/login', {
      form: { username: 'a', password: 'p' },
      redirect: 'https://app.example/cb?code=k&state=s&iss=https%3A%2F%2Fas.example',
      setCookies: ['sess=1; Path=/; HttpOnly; Secure'],
      newRequest: true,
    });
    t.go('GET', 'https://app.example/cb?code=k&state=s&iss=https%3A%2F%2Fas.example', {
      setCookies: ['app=1; Path=/; HttpOnly; Secure'],
    });
    const { store, backgrounds } = connectedStore();
    backgrounds[0]!.postMessage({
      type: 'snapshot',
      payload: { exchanges: t.exchanges, cookieEvents: [], done: true },
    });
    const flows = store.analysis.value.flows;
    expect(flows.map((f) => [f.kind, f.outcome])).toEqual([['interactive-login', 'success']]);
    store.selectFlow(flows[0]!.id);
    expect(
      store.selectedFlow.value?.tiers.map((x) => [x.role, x.sessionCookies.map((c) => c.name)]),
    ).toEqual([
      ['app', ['app']],
      ['authorization-server', ['sess']],
    ]);
  });
});
