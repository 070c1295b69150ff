import type { PanelTab } from './store';
import { useStore } from './context';

const TABS: { id: PanelTab; label: string }[] = [
  { id: 'sequence', label: 'Sequence' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'tokens', label: 'Tokens' },
  { id: 'problems', label: 'Problems' },
  { id: 'narrative', label: 'Narrative' },
  { id: 'hops', label: 'Hops' },
];

/** The views of a flow; arrow keys move between tabs (WAI-ARIA tabs pattern). */
export function Tabs({ counts }: { counts: Partial<Record<PanelTab, number>> }) {
  const store = useStore();
  const current = store.tab.value;
  const move = (step: number) => {
    const at = TABS.findIndex((t) => t.id === current);
    const next = TABS[(at + step + TABS.length) % TABS.length];
    if (next) {
      store.tab.value = next.id;
      document.getElementById(`tab-${next.id}`)?.focus();
    }
  };
  return (
    <div
      class="tabs"
      role="tablist"
      aria-label="Flow views"
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight') move(1);
        if (e.key === 'ArrowLeft') move(-1);
      }}
    >
      {TABS.map((t) => (
        <button
          key={t.id}
          id={`tab-${t.id}`}
          type="button"
          role="tab"
          data-testid={`tab-${t.id}`}
          aria-selected={current === t.id}
          tabIndex={current === t.id ? 0 : -1}
          class={current === t.id ? 'tab selected' : 'tab'}
          onClick={() => (store.tab.value = t.id)}
        >
          {t.label}
          {counts[t.id] ? ` (${counts[t.id]})` : ''}
        </button>
      ))}
    </div>
  );
}
