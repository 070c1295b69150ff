import type { Flow, SessionCookie } from '../analysis/types';

export interface Lane {
  id: string;
  label: string;
  role: string;
}

export interface SequenceRow {
  exchangeId: string;
  from: number;
  to: number;
  summary: string;
  inferred: boolean;
  markers: { lane: number; name: string; change: SessionCookie['change'] }[];
}

/**
 * Lays a flow out as a sequence diagram: the browser, then the parties in role order, then any
 * other origin the flow touched; one row per step, with the session-cookie changes of its hop on
 * the lane of the party whose session changed.
 */
export function layoutSequence(flow: Flow): { lanes: Lane[]; rows: SequenceRow[] } {
  const lanes: Lane[] = [{ id: 'browser', label: 'Browser', role: 'browser' }];
  const order = { app: 0, 'authorization-server': 1, 'identity-provider': 2 } as const;
  for (const p of [...flow.parties].sort((a, b) => order[a.role] - order[b.role])) {
    lanes.push({ id: p.origin, label: p.label ?? p.origin, role: p.role });
  }
  const laneOf = (id: string) => {
    let at = lanes.findIndex((l) => l.id === id);
    if (at === -1) {
      lanes.push({ id, label: hostOf(id), role: 'other' });
      at = lanes.length - 1;
    }
    return at;
  };
  const rows: SequenceRow[] = flow.steps.map((step) => {
    const markers = step.inferred
      ? []
      : flow.tiers.flatMap((t) =>
          t.sessionCookies
            .filter((c) => c.exchangeId === step.exchangeId && c.change !== 'sent')
            .map((c) => ({ lane: laneOf(t.origin), name: c.name, change: c.change })),
        );
    return {
      exchangeId: step.exchangeId,
      from: laneOf(step.from),
      to: laneOf(step.to),
      summary: step.summary,
      inferred: step.inferred === true,
      markers,
    };
  });
  return { lanes, rows };
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin || '(unknown)';
  }
}
