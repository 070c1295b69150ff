import { browser } from 'wxt/browser';
import type { Diagnostic } from '@/lib/analysis/types';
import { useStore } from './context';

const ORDER = ['error', 'warning', 'info'] as const;

/** Problems grouped by severity, each linked to its hops and to its entry in the reference. */
export function ProblemsView({ diagnostics }: { diagnostics: Diagnostic[] }) {
  const store = useStore();
  if (diagnostics.length === 0) return <p data-testid="no-problems">No problems found.</p>;
  return (
    <div class="problems">
      {ORDER.map((severity) => {
        const group = diagnostics.filter((d) => d.severity === severity);
        if (group.length === 0) return null;
        return (
          <section key={severity} aria-label={`${severity} problems`}>
            <h3 class={severity}>
              {severity} ({group.length})
            </h3>
            <ul>
              {group.map((d, i) => (
                <li
                  key={i}
                  class={`diagnostic ${d.severity}`}
                  data-testid="diagnostic"
                  data-id={d.id}
                  data-severity={d.severity}
                >
                  <b>{d.id}</b> {d.message}{' '}
                  <a href={docsUrl(d.id)} target="_blank" rel="noreferrer">
                    {d.reference}
                  </a>{' '}
                  {d.exchangeIds.map((id, k) => (
                    <button key={id} type="button" class="link" onClick={() => store.showHop(id)}>
                      hop {k + 1}
                    </button>
                  ))}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

function docsUrl(id: string): string {
  return `${browser.runtime.getURL('/diagnostics.html')}#${id}`;
}
