import { useState } from 'preact/hooks';
import type { Flow, Tier } from '@/lib/analysis/types';
import { jarFor } from '@/lib/view/jar';
import { useStore } from './context';

/** One card per party: its session cookies in this flow, and the live jar for its host. */
export function SessionsView({ flow }: { flow: Flow }) {
  return (
    <div class="tiers" data-testid="sessions-view">
      {flow.tiers.map((t) => (
        <TierCard key={t.origin} tier={t} flow={flow} />
      ))}
    </div>
  );
}

function TierCard({ tier, flow }: { tier: Tier; flow: Flow }) {
  const store = useStore();
  const [confirming, setConfirming] = useState(false);
  const label = flow.parties.find((p) => p.origin === tier.origin)?.label ?? tier.origin;
  const host = hostOf(tier.origin);
  const jar = jarFor(host, store.cookieEvents.value);
  const sessionNames = new Set(tier.sessionCookies.map((c) => c.name));
  const live = jar.filter((c) => sessionNames.has(c.name));
  const changeTime = (exchangeId: string) =>
    store.exchanges.value.find((e) => e.id === exchangeId)?.startedAt;
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
        <p class="empty">No session cookie seen in this flow.</p>
      ) : (
        <ul>
          {tier.sessionCookies.map((c) => {
            const at = changeTime(c.exchangeId);
            return (
              <li key={c.name} data-testid="tier-cookie" data-name={c.name} data-change={c.change}>
                <b>{c.name}</b> <span class={`change ${c.change}`}>{c.change}</span>
                {c.attributes.httpOnly ? ' · HttpOnly' : ''}
                {c.attributes.secure ? ' · Secure' : ''}
                {c.attributes.sameSite ? ` · SameSite=${c.attributes.sameSite}` : ''}
                {c.attributes.path ? ` · Path=${c.attributes.path}` : ''}
                {c.attributes.maxAge !== undefined ? ` · Max-Age=${c.attributes.maxAge}` : ''}
                {` · ${c.attributes.size} B`}
                {at !== undefined ? ` · ${new Date(at).toLocaleTimeString()}` : ''}{' '}
                <button type="button" class="link" onClick={() => store.showHop(c.exchangeId)}>
                  hop
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {store.source.value.kind === 'live' && (
        <p class="jar" data-testid="tier-jar" data-count={live.length}>
          In the cookie jar now:{' '}
          {live.length > 0 ? live.map((c) => c.name).join(', ') : 'none of them'}
        </p>
      )}
      {store.live && live.length > 0 && !confirming && (
        <button type="button" data-testid="tier-clear" onClick={() => setConfirming(true)}>
          Clear this session
        </button>
      )}
      {confirming && (
        <span class="confirm" role="group" aria-label="Confirm clearing the session">
          Delete {live.map((c) => c.name).join(', ')} from the browser? (as if the session expired)
          <button
            type="button"
            data-testid="tier-clear-confirm"
            onClick={() => {
              setConfirming(false);
              store.clearTier(
                live.map((c) => ({ url: `${tier.origin}${c.path || '/'}`, name: c.name })),
              );
            }}
          >
            Delete
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      )}
    </article>
  );
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).hostname;
  } catch {
    return origin;
  }
}
