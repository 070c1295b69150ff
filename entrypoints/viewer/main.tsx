import { render } from 'preact';
import { App } from '@/components/App';
import { StoreContext } from '@/components/context';
import { createPanelStore } from '@/components/store';
import { startPanelWorker } from '@/components/worker/client';
import { panelTheme } from '@/lib/panel-scope';
import '@/components/panel.css';

// The standalone viewer: the panel's UI for an imported file, no recording, no DevTools needed.
document.documentElement.dataset.theme = panelTheme(
  undefined,
  location.search,
  matchMedia('(prefers-color-scheme: dark)').matches,
);
const store = createPanelStore({ subscription: {}, worker: startPanelWorker() });
const root = document.getElementById('app');
if (root) {
  render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
    root,
  );
}
