import { render } from 'preact';
import { browser } from 'wxt/browser';
import { App } from '@/components/App';
import { StoreContext } from '@/components/context';
import { createPanelStore } from '@/components/store';
import { startPanelWorker } from '@/components/worker/client';
import { PANEL_PORT_NAME, type PortLike } from '@/lib/messaging/protocol';
import { panelSubscription, panelTheme } from '@/lib/panel-scope';
import '@/components/panel.css';

// Inside DevTools the panel follows the inspected tab; as an ordinary tab, ?tabId= or all tabs.
const devtools = (globalThis as { chrome?: { devtools?: typeof browser.devtools } }).chrome
  ?.devtools;
const subscription = panelSubscription(devtools?.inspectedWindow.tabId, location.search);
document.documentElement.dataset.theme = panelTheme(
  devtools?.panels.themeName,
  location.search,
  matchMedia('(prefers-color-scheme: dark)').matches,
);

const store = createPanelStore({
  connect: () => browser.runtime.connect({ name: PANEL_PORT_NAME }) as PortLike,
  subscription,
  worker: startPanelWorker(),
});
store.start();

const root = document.getElementById('app');
if (root) {
  render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
    root,
  );
}
