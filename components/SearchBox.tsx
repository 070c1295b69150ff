import { useEffect, useRef, useState } from 'preact/hooks';
import { useStore } from './context';

/** Typing pauses this long before the hops are filtered: each filter pass reads every hop. */
const SEARCH_DELAY_MS = 200;

/**
 * The hop search. The box shows what is typed at once; the list is filtered once typing pauses,
 * so a 100,000-hop recording is not scanned for every half-typed word.
 */
export function SearchBox() {
  const store = useStore();
  const [draft, setDraft] = useState(store.search.value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <input
      type="search"
      data-testid="search"
      placeholder="Search hops (status:302 host:auth method:post)"
      aria-label="Search hops"
      value={draft}
      onInput={(e) => {
        const value = e.currentTarget.value;
        setDraft(value);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => (store.search.value = value), SEARCH_DELAY_MS);
      }}
    />
  );
}
