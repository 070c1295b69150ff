import type { Exchange } from '@/lib/model';
import { summarizeExchange } from '@/lib/view/exchange-summary';
import { useStore } from './context';
import { VirtualList } from './VirtualList';

const ROW_HEIGHT = 24;

/** Every recorded hop, live: method, status, host, path, redirect target, Set-Cookie count. */
export function ExchangeList() {
  const store = useStore();
  // A selected flow shows its own hops (login pages included); then the search filter applies.
  const exchanges = store.visibleExchanges.value;
  const selectedId = store.selectedId.value;
  return (
    <section class="exchanges" aria-label="Hops">
      <div class="row head" aria-hidden="true">
        <span class="method">Method</span>
        <span class="status">Status</span>
        <span class="host">Host</span>
        <span class="path">Path</span>
        <span class="redirect">Redirect to</span>
        <span class="cookies">Set-Cookie</span>
      </div>
      {exchanges.length === 0 && store.loaded.value && (
        <p class="empty" data-testid="exchange-list-empty">
          Nothing recorded yet. Keep recording on and log in to a site: every hop appears here.
        </p>
      )}
      <VirtualList
        items={exchanges}
        rowHeight={ROW_HEIGHT}
        testId="exchange-list"
        label="Recorded hops"
        followTail
        renderRow={(e) => (
          <ExchangeRow
            key={e.id}
            exchange={e}
            selected={e.id === selectedId}
            onSelect={() => store.select(e.id)}
          />
        )}
      />
    </section>
  );
}

function ExchangeRow(props: { exchange: Exchange; selected: boolean; onSelect: () => void }) {
  const e = props.exchange;
  const s = summarizeExchange(e);
  const names = s.setCookies.map((c) => c.name);
  return (
    <div
      role="listitem"
      tabIndex={0}
      class={`row${props.selected ? ' selected' : ''}${e.error ? ' failed' : ''}`}
      style={{ height: `${ROW_HEIGHT}px` }}
      data-testid="exchange-row"
      data-exchange-id={e.id}
      data-method={s.method}
      data-status={s.status}
      data-host={s.host}
      data-tab-id={e.tabId}
      data-url={e.url}
      data-redirect-url={e.redirectUrl ?? ''}
      data-set-cookies={names.join(' ')}
      data-sent-cookies={s.sentCookies.map((c) => c.name).join(' ')}
      aria-selected={props.selected}
      onClick={props.onSelect}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') props.onSelect();
      }}
    >
      <span class="method">{s.method}</span>
      <span class="status">{s.status}</span>
      <span class="host" title={s.host}>
        {s.host}
      </span>
      <span class="path" title={s.path}>
        {s.path}
      </span>
      <span class="redirect" title={e.redirectUrl}>
        {s.redirectTarget ? `→ ${s.redirectTarget}` : ''}
      </span>
      <span class="cookies" title={names.join(', ')}>
        {names.length > 0 ? `${names.length}: ${names.join(', ')}` : ''}
      </span>
    </div>
  );
}
