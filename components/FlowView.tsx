import { ExchangeList } from './ExchangeList';
import { ProblemsView } from './ProblemsView';
import { SequenceDiagram } from './SequenceDiagram';
import { SessionsView } from './SessionsView';
import { Tabs } from './Tabs';
import { TokensView } from './TokensView';
import { useStore } from './context';

/** The selected flow in tabs: sequence, sessions, tokens, problems, narrative, hops. */
export function FlowView() {
  const store = useStore();
  const flow = store.selectedFlow.value;
  if (!flow) return <ExchangeList />;
  const tab = store.tab.value;
  return (
    <section class="flow-view" data-testid="flow-view" data-flow-id={flow.id} aria-label="Flow">
      <header class="flow-head">
        <h2>
          {flow.kind} · {flow.protocol} ·{' '}
          <span class={`outcome ${flow.outcome}`}>{flow.outcome}</span>
        </h2>
        <ul class="parties">
          {flow.parties.map((p) => (
            <li key={p.origin} data-testid="party" data-role={p.role} data-origin={p.origin}>
              <b>{p.role}</b> {p.label ?? p.origin}
            </li>
          ))}
        </ul>
      </header>
      <Tabs
        counts={{
          problems: flow.diagnostics.length,
          tokens: flow.tokens.length,
          hops: flow.exchangeIds.length,
        }}
      />
      <div class="tab-body" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'sequence' && <SequenceDiagram flow={flow} />}
        {tab === 'sessions' && <SessionsView flow={flow} />}
        {tab === 'tokens' && <TokensView flow={flow} />}
        {tab === 'problems' && <ProblemsView diagnostics={flow.diagnostics} />}
        {tab === 'narrative' && (
          <ol class="narrative" data-testid="narrative">
            {flow.narrative.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ol>
        )}
        {tab === 'hops' && <ExchangeList />}
      </div>
    </section>
  );
}
