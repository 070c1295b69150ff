import type { Flow, Tier } from '@/lib/analysis/types';
import { useStore } from './context';

/** The selected flow: parties, narrative, session tiers, tokens and problems. */
export function FlowView() {
  const store = useStore();
  const flow = store.selectedFlow.value;
  if (!flow) return null;
  return (
    <section class="flow-view" data-testid="flow-view" data-flow-id={flow.id} aria-label="Flow">
      <h2>
        {flow.kind} · {flow.protocol} · {flow.outcome}
      </h2>
      <ul class="parties">
        {flow.parties.map((p) => (
          <li key={p.origin} data-testid="party" data-role={p.role} data-origin={p.origin}>
            <b>{p.role}</b> {p.label ?? p.origin}
          </li>
        ))}
      </ul>
      <ol class="narrative" data-testid="narrative">
        {flow.narrative.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ol>
      <div class="tiers">
        {flow.tiers.map((t) => (
          <TierCard key={t.origin} tier={t} flow={flow} />
        ))}
      </div>
      <Problems flow={flow} />
      <Tokens flow={flow} />
    </section>
  );
}

function TierCard({ tier, flow }: { tier: Tier; flow: Flow }) {
  const label = flow.parties.find((p) => p.origin === tier.origin)?.label ?? tier.origin;
  return (
    <article
      class="tier-card"
      data-testid="tier-card"
      data-role={tier.role}
      data-origin={tier.origin}
      data-sso-proven={tier.ssoProven ? 'true' : 'false'}
    >
      <h3>
        {label} <small>{tier.role}</small> {tier.ssoProven && <span class="badge">SSO proven</span>}
      </h3>
      {tier.sessionCookies.length === 0 ? (
        <p class="empty">No session cookie seen.</p>
      ) : (
        <ul>
          {tier.sessionCookies.map((c) => (
            <li key={c.name} data-testid="tier-cookie" data-name={c.name} data-change={c.change}>
              <b>{c.name}</b> {c.change}
              {c.attributes.httpOnly ? ' · HttpOnly' : ''}
              {c.attributes.secure ? ' · Secure' : ''}
              {c.attributes.sameSite ? ` · SameSite=${c.attributes.sameSite}` : ''}
              {` · ${c.attributes.size} B`}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

function Problems({ flow }: { flow: Flow }) {
  if (flow.diagnostics.length === 0) return <p data-testid="no-problems">No problems found.</p>;
  return (
    <ul class="problems">
      {flow.diagnostics.map((d, i) => (
        <li
          key={i}
          class={`diagnostic ${d.severity}`}
          data-testid="diagnostic"
          data-id={d.id}
          data-severity={d.severity}
        >
          <b>{d.severity}</b> {d.id}: {d.message} <small>({d.reference})</small>
        </li>
      ))}
    </ul>
  );
}

function Tokens({ flow }: { flow: Flow }) {
  if (flow.tokens.length === 0) return null;
  return (
    <div class="tokens">
      {flow.tokens.map((t, i) => (
        <details
          key={i}
          class="token"
          data-testid="token"
          data-kind={t.kind}
          data-format={t.format}
        >
          <summary>
            {t.kind} ({t.format}) in {t.location} {t.name} · {t.verification}
          </summary>
          <pre>
            {JSON.stringify({ header: t.header, claims: t.claims, times: t.times }, null, 2)}
          </pre>
        </details>
      ))}
    </div>
  );
}
