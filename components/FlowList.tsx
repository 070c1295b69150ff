import type { Flow } from '@/lib/analysis/types';
import { useStore } from './context';
import { VirtualList } from './VirtualList';

const KIND_LABEL: Record<Flow['kind'], string> = {
  'interactive-login': 'Login',
  'federated-login': 'Federated login',
  sso: 'SSO',
  'silent-auth': 'Silent auth',
  logout: 'Logout',
  'token-refresh': 'Token refresh',
  unknown: 'Unknown flow',
};

/** Height of one flow in the list: three lines (kind, outcome, what it involved) and padding. */
const FLOW_ROW_HEIGHT = 58;

/**
 * The login flows found so far (live), and "All traffic". Virtual, like the hop list: a day's
 * recording has thousands of flows, and only those in view are in the page.
 */
export function FlowList() {
  const store = useStore();
  const flows = store.analysis.value.flows;
  const selected = store.selectedFlowId.value;
  return (
    <nav class="flows" aria-label="Flows">
      {store.unanalyzed.value > 0 && (
        <p class="note" role="status" data-testid="analysis-partial">
          Analysing the rest of the file: {store.unanalyzed.value.toLocaleString('en')} more hops…
        </p>
      )}
      <VirtualList
        items={flows}
        rowHeight={FLOW_ROW_HEIGHT}
        testId="flow-list"
        label="Login flows"
        renderRow={(f) => (
          <FlowItem
            key={f.id}
            flow={f}
            selected={selected === f.id}
            onSelect={() => store.selectFlow(f.id)}
          />
        )}
      />
      <button
        type="button"
        data-testid="all-traffic"
        class={`flow-item${selected === null ? ' selected' : ''}`}
        aria-current={selected === null}
        onClick={() => store.selectFlow(null)}
      >
        All traffic ({store.exchanges.value.length})
      </button>
    </nav>
  );
}

function FlowItem(props: { flow: Flow; selected: boolean; onSelect: () => void }) {
  const f = props.flow;
  const problems = f.diagnostics.filter((d) => d.severity !== 'info').length;
  return (
    <div role="listitem" style={{ height: `${FLOW_ROW_HEIGHT}px` }}>
      <button
        type="button"
        data-testid="flow-item"
        data-flow-id={f.id}
        data-kind={f.kind}
        data-outcome={f.outcome}
        data-protocol={f.protocol}
        aria-current={props.selected}
        class={`flow-item ${f.outcome}${props.selected ? ' selected' : ''}`}
        onClick={props.onSelect}
      >
        <span class="kind">{KIND_LABEL[f.kind]}</span>
        <span class="outcome">{f.outcome}</span>
        <span class="meta">
          {new Date(f.start).toLocaleTimeString()} · {f.parties.length} parties
          {problems > 0 ? ` · ${problems} problem${problems === 1 ? '' : 's'}` : ''}
        </span>
      </button>
    </div>
  );
}
