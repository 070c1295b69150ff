import type { Analysis, CookieChange, Flow, PartyRole, Tier } from '../analysis/types';

const ROLE_ALIAS: Record<PartyRole, string> = {
  app: 'App',
  'authorization-server': 'AS',
  'identity-provider': 'IdP',
};

const CHANGE_MARK: Record<CookieChange, string> = {
  created: '+',
  updated: '~',
  cleared: '-',
  sent: '=',
};

const INDENT = '  ';

/**
 * One flow as a Mermaid `sequenceDiagram` (text): the participants Browser and the flow's
 * parties (aliases App, AS, IdP, ... are safe identifiers; labels show host and role), one
 * message per step (`Browser->>AS: GET /authorize ... 303`), inferred back-channel steps as
 * dashed messages marked "(inferred)", and the session cookie changes as notes over the party
 * (`Note over AS: + _session created`).
 *
 * Every label is sanitized: line breaks become spaces; `#`, `;`, `<`, `>`, `&`, `"` and `%%`
 * (which end a statement, start a comment or become HTML in Mermaid) are written as Mermaid
 * entity codes (`#35;`, `#59;`, `#lt;`, ...), which Mermaid renders as the characters.
 */
export function toMermaid(flow: Flow): string {
  const diagram = new Diagram();
  diagram.addFlow(flow, false);
  return diagram.render();
}

/**
 * Every flow of the analysis in one `sequenceDiagram`: the participants of all flows declared
 * first, then the flows in order, each introduced by a `%%` comment and a note naming it.
 */
export function toMermaidAll(analysis: Analysis): string {
  const diagram = new Diagram();
  if (analysis.flows.length === 0) diagram.comment('no login flow found');
  for (const flow of analysis.flows) diagram.addFlow(flow, true);
  return diagram.render();
}

class Diagram {
  private readonly participants: string[] = [`${INDENT}participant Browser`];
  private readonly aliases = new Map<string, string>([['browser', 'Browser']]);
  private readonly used = new Set<string>(['browser']);
  private readonly body: string[] = [];

  comment(value: string): void {
    this.body.push(`${INDENT}%% ${mermaidText(value)}`);
  }

  addFlow(flow: Flow, introduce: boolean): void {
    for (const party of flow.parties) this.participant(party.origin, party.role, party.label);
    for (const step of flow.steps) {
      this.participant(step.from);
      this.participant(step.to);
    }
    for (const tier of flow.tiers) this.participant(tier.origin, tier.role);

    if (introduce) {
      this.comment(`${flow.id}: ${flow.kind} (${flow.protocol}), ${flow.outcome}`);
      const last = this.aliases.get(flow.parties.at(-1)?.origin ?? '') ?? 'Browser';
      const span = last === 'Browser' ? 'Browser' : `Browser,${last}`;
      this.body.push(
        `${INDENT}Note over ${span}: ${mermaidText(`${flow.id} ${flow.kind} (${flow.protocol}) ${flow.outcome}`)}`,
      );
    }

    const notes = cookieNotes(flow.tiers);
    const noted = new Set<string>();
    for (const step of flow.steps) {
      const from = this.alias(step.from);
      const to = this.alias(step.to);
      const arrow = step.inferred ? '-->>' : '->>';
      const summary = step.inferred ? `${step.summary} (inferred)` : step.summary;
      this.body.push(`${INDENT}${from}${arrow}${to}: ${mermaidText(summary)}`);
      if (step.inferred || noted.has(step.exchangeId)) continue;
      noted.add(step.exchangeId);
      for (const note of notes.get(step.exchangeId) ?? []) {
        this.body.push(`${INDENT}Note over ${this.alias(note.origin)}: ${mermaidText(note.text)}`);
      }
    }
  }

  render(): string {
    return `${['sequenceDiagram', ...this.participants, ...this.body].join('\n')}\n`;
  }

  /** Declares a participant the first time an origin is seen. */
  private participant(origin: string, role?: PartyRole, label?: string): void {
    if (this.aliases.has(origin)) return;
    const base = role ? ROLE_ALIAS[role] : 'Host';
    let alias = base;
    for (let n = 2; this.used.has(alias.toLowerCase()); n++) alias = `${base}${n}`;
    this.used.add(alias.toLowerCase());
    this.aliases.set(origin, alias);
    const host = hostOf(origin);
    const name = label && label !== host ? `${label}, ${host}` : host;
    this.participants.push(
      `${INDENT}participant ${alias} as ${participantLabel(role ? `${name} (${role})` : name)}`,
    );
  }

  private alias(origin: string): string {
    this.participant(origin);
    return this.aliases.get(origin) ?? 'Browser';
  }
}

/** The cookie changes of each hop, grouped by party: "+ _session created, + _session.sig created". */
function cookieNotes(tiers: readonly Tier[]): Map<string, { origin: string; text: string }[]> {
  const byHop = new Map<string, Map<string, string[]>>();
  for (const tier of tiers) {
    for (const cookie of tier.sessionCookies) {
      let parties = byHop.get(cookie.exchangeId);
      if (!parties) byHop.set(cookie.exchangeId, (parties = new Map()));
      const list = parties.get(tier.origin) ?? [];
      list.push(`${CHANGE_MARK[cookie.change]} ${cookie.name} ${cookie.change}`);
      parties.set(tier.origin, list);
    }
  }
  const notes = new Map<string, { origin: string; text: string }[]>();
  for (const [hop, parties] of byHop) {
    notes.set(
      hop,
      [...parties].map(([origin, changes]) => ({ origin, text: changes.join(', ') })),
    );
  }
  return notes;
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host || origin;
  } catch {
    return origin;
  }
}

/** A participant label: like mermaidText, and never read as Mermaid's "wrap:" directive. */
function participantLabel(value: string): string {
  return mermaidText(value).replace(/^(:?(?:no)?wrap):/i, '$1#58;');
}

const ENTITIES: Record<string, string> = {
  '#': '#35;',
  ';': '#59;',
  '<': '#lt;',
  '>': '#gt;',
  '&': '#amp;',
  '"': '#quot;',
};

/**
 * Text safe on one line of a Mermaid sequence diagram (a message, note, label or comment):
 * control characters and line breaks become spaces, the characters Mermaid reads as syntax or
 * HTML become entity codes, `%%` cannot start a comment, and surrounding space is trimmed.
 */
export function mermaidText(value: string): string {
  const cleaned = value
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/[#;<>&"]/g, (c) => ENTITIES[c] ?? c)
    .replace(/%(?=%)/g, '#37;')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned === '' ? '…' : cleaned;
}
