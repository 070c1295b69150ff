import { useState } from 'preact/hooks';
import type { Flow, TokenInfo } from '@/lib/analysis/types';
import { verifyAnalysis } from '@/lib/tokens/verify';
import { describeClaimTime } from '@/lib/view/time';
import { useStore } from './context';
import { FetchKeysSwitch } from './FetchKeysSwitch';
import { useSettings } from './use-settings';

const TIME_CLAIMS = ['exp', 'iat', 'nbf', 'auth_time'];

/** Every token of the flow: header, claims, readable times, and the verification result. */
export function TokensView({ flow }: { flow: Flow }) {
  if (flow.tokens.length === 0) {
    return (
      <p class="empty">
        No token travelled through the browser in this flow (a code flow exchanges them on the back
        channel).
      </p>
    );
  }
  return <VerifiableTokens flow={flow} />;
}

/**
 * The tokens, and a Verify button: it fetches each issuer's discovery document and JWKS (the
 * only requests the extension makes of its own, and only when asked) and checks signatures.
 * With "Fetch keys to verify signatures" off (or until the settings are loaded) it fetches
 * nothing: the button is disabled and says why.
 */
function VerifiableTokens({ flow }: { flow: Flow }) {
  const [verified, setVerified] = useState<{ flowId: string; tokens: TokenInfo[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const settings = useSettings();
  const mayFetch = settings?.fetchKeysToVerify === true;
  const tokens = verified?.flowId === flow.id ? verified.tokens : flow.tokens;
  const verify = async () => {
    if (!mayFetch) return;
    setBusy(true);
    try {
      const result = await verifyAnalysis(
        {
          version: 1,
          flows: [flow],
          diagnostics: [],
          source: { cookiesVisible: true, cookieJarVisible: false, exchanges: 0 },
        },
        {
          fetch: (url) => fetch(url, { credentials: 'omit', signal: AbortSignal.timeout(10_000) }),
          now: Date.now(),
        },
      );
      setVerified({ flowId: flow.id, tokens: result.flows[0]?.tokens ?? flow.tokens });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="tokens">
      <p>
        <button
          type="button"
          data-testid="verify-tokens"
          disabled={busy || !mayFetch}
          aria-describedby="verify-note"
          onClick={() => void verify()}
        >
          {busy ? 'Verifying…' : 'Verify signatures'}
        </button>{' '}
        <FetchKeysSwitch settings={settings} />{' '}
        {settings && !mayFetch ? (
          <small id="verify-note" data-testid="verify-off-reason">
            Verifying needs each issuer's discovery document and JWKS; fetching them is switched
            off, so the extension makes no request and the signatures stay unverified.
          </small>
        ) : (
          <small id="verify-note">fetches each issuer's discovery document and JWKS</small>
        )}
      </p>
      {tokens.map((t, i) => (
        <TokenCard key={i} token={t} />
      ))}
    </div>
  );
}

function TokenCard({ token }: { token: TokenInfo }) {
  const store = useStore();
  const now = Date.now();
  return (
    <article
      class="token"
      data-testid="token"
      data-kind={token.kind}
      data-format={token.format}
      data-verification={token.verification}
    >
      <h3>
        {token.kind}{' '}
        <small>
          ({token.format}, {token.location} “{token.name}”)
        </small>{' '}
        <span class={`verification ${token.verification}`}>{token.verification}</span>
      </h3>
      {token.verificationReason && <p class="reason">{token.verificationReason}</p>}
      {Object.keys(token.header).length > 0 && (
        <>
          <h4>Header</h4>
          <ClaimTable claims={token.header} now={now} />
        </>
      )}
      {Object.keys(token.claims).length > 0 && (
        <>
          <h4>Claims</h4>
          <ClaimTable claims={token.claims} now={now} />
        </>
      )}
      <button type="button" class="link" onClick={() => store.showHop(token.exchangeId)}>
        Show the hop
      </button>
    </article>
  );
}

function ClaimTable({ claims, now }: { claims: Record<string, unknown>; now: number }) {
  return (
    <table class="claims">
      <tbody>
        {Object.entries(claims).map(([name, value]) => (
          <tr key={name} data-testid="claim" data-name={name}>
            <th scope="row">{name}</th>
            <td>
              {typeof value === 'string' ? value : JSON.stringify(value)}
              {TIME_CLAIMS.includes(name) && typeof value === 'number' && (
                <TimeNote claim={name} seconds={value} now={now} />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TimeNote({ claim, seconds, now }: { claim: string; seconds: number; now: number }) {
  const t = describeClaimTime(claim, seconds, now);
  return (
    <small class="time" title={t.local}>
      {' '}
      {t.utc} · {t.relative}
    </small>
  );
}
