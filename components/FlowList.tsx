import type { Flow } from '@/lib/analysis/types';
import { useStore } from './context';

const KIND_LABEL: Record<Flow['kind'], string> = {
  'interactive-login': 'Login',
  'federated-login': 'Federated login',
  sso: 'SSO',
  'silent-auth': 'Silent auth',
  logout: 'Logout',
  'token-refresh': 'Token refresh',
  unknown: 'Unknown flow',
};

/** The login flows found so far (live), and "All traffic". */
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
      <ul data-testid="flow-list">
        {flows.map((f) => {
          const problems = f.diagnostics.filter((d) => d.severity !== 'info').length;
          return (
            <li key={f.id}>
              <button
                type="button"
                data-testid="flow-item"
                data-flow-id={f.id}
                data-kind={f.kind}
                data-outcome={f.outcome}
                data-protocol={f.protocol}
                aria-current={selected === f.id}
                class={`flow-item ${f.outcome}${selected === f.id ? ' selected' : ''}`}
                onClick={() => store.selectFlow(f.id)}
              >
                <span class="kind">{KIND_LABEL[f.kind]}</span>
                <span class="outcome">{f.outcome}</span>
                <span class="meta">
                  {new Date(f.start).toLocaleTimeString()} · {f.parties.length} parties
                  {problems > 0 ? ` · ${problems} problem${problems === 1 ? '' : 's'}` : ''}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
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
