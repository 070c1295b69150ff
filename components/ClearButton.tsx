import { useState } from 'preact/hooks';

/** "Clear" asks once, inline (window.confirm is not available in every DevTools panel). */
export function ClearButton({ onConfirm }: { onConfirm: () => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        data-testid="clear"
        title="Delete everything recorded"
        onClick={() => setAsking(true)}
      >
        Clear
      </button>
    );
  }
  return (
    <span class="confirm" role="group" aria-label="Confirm clear">
      Delete everything recorded?
      <button
        type="button"
        data-testid="clear-confirm"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Delete
      </button>
      <button type="button" data-testid="clear-cancel" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
