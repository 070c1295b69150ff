import type { Flow } from '@/lib/analysis/types';
import { layoutSequence } from '@/lib/view/sequence';
import { useStore } from './context';

const MARK = { created: '+', updated: '~', cleared: '−', sent: '→' } as const;

/** One lane per party, one arrow per hop; clicking an arrow opens that hop. */
export function SequenceDiagram({ flow }: { flow: Flow }) {
  const store = useStore();
  const { lanes, rows } = layoutSequence(flow);
  const width = 100 / lanes.length;
  const center = (lane: number) => (lane + 0.5) * width;
  const selectedId = store.selectedId.value;
  return (
    <div
      class="sequence"
      data-testid="sequence-diagram"
      role="list"
      aria-label="Sequence of the flow"
    >
      <div class="lanes" role="presentation">
        {lanes.map((lane) => (
          <div
            key={lane.id}
            class={`lane-head ${lane.role}`}
            style={{ width: `${width}%` }}
            data-testid="lane"
            data-role={lane.role}
            data-origin={lane.id}
          >
            <b>{lane.label}</b>
            <small>{lane.role === 'browser' ? '' : lane.role}</small>
          </div>
        ))}
      </div>
      {rows.map((row, i) => {
        const left = Math.min(center(row.from), center(row.to));
        const span = Math.max(Math.abs(center(row.to) - center(row.from)), 2);
        const rightward = row.to >= row.from;
        return (
          <div
            key={i}
            role="listitem"
            tabIndex={0}
            class={`seq-row${row.inferred ? ' inferred' : ''}${selectedId === row.exchangeId && !row.inferred ? ' selected' : ''}`}
            data-testid="sequence-step"
            data-exchange-id={row.exchangeId}
            data-inferred={row.inferred ? 'true' : 'false'}
            data-from={lanes[row.from]?.id}
            data-to={lanes[row.to]?.id}
            onClick={() => store.showHop(row.exchangeId)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') store.showHop(row.exchangeId);
            }}
            title={row.summary}
          >
            {lanes.map((lane, l) => (
              <span key={lane.id} class="lifeline" style={{ left: `${center(l)}%` }} />
            ))}
            <span class="label" style={{ left: `${left}%`, width: `${span}%` }}>
              {row.summary}
            </span>
            <span
              class={`arrow ${rightward ? 'right' : 'left'}`}
              style={{ left: `${left}%`, width: `${span}%` }}
            />
            {row.markers.map((m, k) => {
              // Several cookies of one lane stack left to right instead of overlapping.
              const before = row.markers.slice(0, k).filter((o) => o.lane === m.lane).length;
              return (
                <span
                  key={k}
                  class={`marker ${m.change}`}
                  style={{ left: `${center(m.lane)}%`, marginLeft: `${before * 7}em` }}
                  data-testid="cookie-marker"
                  data-change={m.change}
                  data-name={m.name}
                  title={`${m.name} ${m.change}`}
                >
                  {MARK[m.change]}
                  {m.name}
                </span>
              );
            })}
          </div>
        );
      })}
    </div>
  );
}
