import { ClearButton } from './ClearButton';
import { useStore } from './context';

/** Record/pause, clear, and what the panel is following. */
export function Toolbar() {
  const store = useStore();
  const on = store.recording.value;
  const scope =
    store.subscription.tabId === undefined ? 'All tabs' : `Tab ${store.subscription.tabId}`;
  return (
    <header class="toolbar" role="toolbar" aria-label="Recording">
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
      <ClearButton onConfirm={() => store.clear()} />
      <span class="scope" data-testid="scope">
        {scope}
      </span>
      <span
        class="count"
        data-testid="exchange-count"
        data-exchanges={store.exchanges.value.length}
        data-cookie-events={store.cookieEvents.value.length}
      >
        {store.exchanges.value.length} hops · {store.cookieEvents.value.length} cookie changes
      </span>
      {!store.connected.value && (
        <span class="status" role="status">
          reconnecting…
        </span>
      )}
    </header>
  );
}
