import { browser } from 'wxt/browser';
import { webRequestListeners } from '@/lib/capture/browser-events';
import type { RawCookieChange } from '@/lib/capture/cookie-events';
import type { WebRequestEvent } from '@/lib/capture/events';
import { Recorder } from '@/lib/capture/recorder';
import { debugLog } from '@/lib/debug';
import { PANEL_PORT_NAME, type PortLike } from '@/lib/messaging/protocol';
import { TraceStore } from '@/lib/store/trace-store';

const RECORDING_KEY = 'recording';

// Wires the browser to the Recorder; all logic lives in lib/. Listeners are registered
// synchronously at start so that a stopped MV3 worker is woken by the next event.
export default defineBackground(() => {
  // Test builds only (`--mode e2e`): WebDriver BiDi cannot open moz-extension:// pages itself.
  if (import.meta.env.WXT_OPEN_PANEL_ON_START === 'true') {
    void browser.tabs.create({ url: browser.runtime.getURL('/devtools-panel.html') });
  }

  const recorder = new Recorder({
    store: new TraceStore(),
    now: () => Date.now(),
    ownOrigins: [browser.runtime.getURL('/').replace(/\/$/, '')],
    setting: {
      load: async () => {
        const stored = await browser.storage.local.get(RECORDING_KEY);
        const value: unknown = stored[RECORDING_KEY];
        return typeof value === 'boolean' ? value : undefined;
      },
      save: (on) => browser.storage.local.set({ [RECORDING_KEY]: on }),
    },
    log: debugLog,
    removeCookie: async (url, name) => {
      await browser.cookies.remove({ url, name });
    },
  });

  const filter = { urls: ['<all_urls>'] };
  const browserName = import.meta.env.FIREFOX ? 'firefox' : 'chrome';
  for (const { event, api, extraInfoSpec } of webRequestListeners(browserName)) {
    const target = browser.webRequest[api as keyof typeof browser.webRequest] as unknown as {
      addListener(cb: (details: unknown) => void, filter: unknown, extra?: string[]): void;
    };
    const listener = (details: unknown) =>
      recorder.handleWebRequest({ event, details } as WebRequestEvent);
    // Firefox rejects an extraInfoSpec argument on events that take none (onErrorOccurred).
    if (extraInfoSpec.length > 0) target.addListener(listener, filter, extraInfoSpec);
    else target.addListener(listener, filter);
  }

  browser.cookies.onChanged.addListener((change) =>
    recorder.handleCookieChange(change as RawCookieChange),
  );

  browser.runtime.onConnect.addListener((port) => {
    if (port.name === PANEL_PORT_NAME) recorder.connectPanel(port as PortLike);
  });
});
