import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  /** Rows rendered above and below the visible window. */
  overscan?: number;
  renderRow: (item: T, index: number) => ComponentChildren;
  testId?: string;
  label: string;
  /** Keep the view at the bottom while new rows arrive, unless the user scrolled up. */
  followTail?: boolean;
}

/**
 * Renders only the rows in view, so a recording of 100,000 hops costs a few dozen DOM rows.
 * Rows have a fixed height.
 */
export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight, overscan = 10 } = props;
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const atBottom = useRef(true);

  useEffect(() => {
    const el = viewport.current;
    if (!el) return undefined;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight || 400));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const el = viewport.current;
    if (el && props.followTail && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [items.length, props.followTail]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows = [];
  for (let i = first; i < last; i++) rows.push(renderRowAt(props, i));

  return (
    <div
      ref={viewport}
      class="virtual-list"
      data-testid={props.testId}
      role="list"
      aria-label={props.label}
      aria-rowcount={items.length}
      onScroll={(event) => {
        const el = event.currentTarget;
        atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight;
        setScrollTop(el.scrollTop);
      }}
    >
      <div style={{ height: `${items.length * rowHeight}px`, position: 'relative' }}>
        <div style={{ transform: `translateY(${first * rowHeight}px)` }}>{rows}</div>
      </div>
    </div>
  );
}

function renderRowAt<T>(props: VirtualListProps<T>, index: number) {
  return props.renderRow(props.items[index] as T, index);
}
