import { ClearButton } from './ClearButton';
import { ExportMenu } from './ExportMenu';
import { ImportButton } from './ImportButton';
import { useStore } from './context';
import { SearchBox } from './SearchBox';

/** Record/pause, clear, import, search and filters, and what the panel is following. */
export function Toolbar() {
  const store = useStore();
  const on = store.recording.value;
  const live = store.source.value.kind === 'live';
  const scope =
    store.subscription.tabId === undefined ? 'All tabs' : `Tab ${store.subscription.tabId}`;
  const analysis = store.analysis.value;
  const problems = analysis.flows.reduce(
    (n, f) => n + f.diagnostics.filter((d) => d.severity === 'error').length,
    0,
  );
  return (
    <header class="toolbar" role="toolbar" aria-label="Recording">
      {store.live && live && (
        <button
          type="button"
          data-testid="record-toggle"
          aria-pressed={on}
          class={on ? 'rec on' : 'rec'}
          title={on ? 'Pause recording' : 'Resume recording'}
          onClick={() => store.setRecording(!on)}
        >
          <span class="dot" aria-hidden="true" /> {on ? 'Recording' : 'Paused'}
        </button>
      )}
      {live && <ClearButton onConfirm={() => store.clear()} />}
      <ImportButton />
      <ExportMenu />
      {store.live && !live && (
        <button type="button" data-testid="back-to-live" onClick={() => store.backToLive()}>
          Back to the recording
        </button>
      )}
      <label>
        <input
          type="checkbox"
          data-testid="login-only"
          checked={store.loginOnly.value}
          onChange={(e) => (store.loginOnly.value = e.currentTarget.checked)}
        />{' '}
        login-related only
      </label>
      <SearchBox />
      <span class="scope" data-testid="scope">
        {live ? scope : 'File'}
      </span>
      <span
        class="count"
        data-testid="exchange-count"
        data-exchanges={store.exchanges.value.length}
        data-cookie-events={store.cookieEvents.value.length}
        // What the analysis shown covers, and whether a newer one is on its way (test hooks).
        data-analyzed-exchanges={analysis.source.exchanges}
        data-analyzing={String(store.analyzing.value || store.unanalyzed.value > 0)}
      >
        {store.exchanges.value.length} hops · {store.cookieEvents.value.length} cookie changes ·{' '}
        {analysis.flows.length} flows
        {problems > 0 ? ` · ${problems} errors` : ''}
      </span>
      {store.live && live && !store.connected.value && (
        <span class="status" role="status">
          reconnecting…
        </span>
      )}
    </header>
  );
}
