import { useStore } from './context';

/** Messages from the background the user should see (storage trouble, retention). */
export function Notices() {
  const store = useStore();
  const notices = store.notices.value;
  if (notices.length === 0) return null;
  return (
    <div class="notices" role="status" data-testid="notices">
      {notices.map((n, i) => (
        <p key={i} class={`notice ${n.level}`}>
          {n.message}
        </p>
      ))}
      <button type="button" onClick={() => store.dismissNotices()}>
        Dismiss
      </button>
    </div>
  );
}
