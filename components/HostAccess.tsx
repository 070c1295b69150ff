import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import {
  coversAllSites,
  describePattern,
  hostAccessControl,
  isCaptured,
  patternFromInput,
  sitePatternFor,
  uncapturedSites,
  type ManifestHostAccess,
  type SeenAs,
} from '@/lib/permissions/host-access';
import { useStore } from './context';

const SEEN_AS: Record<SeenAs, string> = {
  'redirect-target': 'a captured hop redirected there',
  initiator: 'it started a captured request',
  document: 'a captured request came from its page',
  referer: 'a captured request named it as Referer',
  'origin-header': 'a captured request came from its origin',
};

/** The DevTools API of the panel when it runs inside DevTools (absent in a tab). */
interface DevtoolsApi {
  inspectedWindow: {
    eval(expression: string, callback: (result: unknown, exception?: unknown) => void): void;
  };
  network: { onNavigated: { addListener(cb: (url: string) => void): void } };
}

function devtoolsApi(): DevtoolsApi | undefined {
  return (globalThis as { chrome?: { devtools?: DevtoolsApi } }).chrome?.devtools;
}

/** The origins the extension may observe now, kept current as the user grants and withdraws. */
function useGrantedOrigins(): string[] | undefined {
  const [granted, setGranted] = useState<string[] | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const read = () =>
      void browser.permissions.getAll().then(
        (p) => live && setGranted(p.origins ?? []),
        () => live && setGranted([]),
      );
    read();
    browser.permissions.onAdded.addListener(read);
    browser.permissions.onRemoved.addListener(read);
    return () => {
      live = false;
      browser.permissions.onAdded.removeListener(read);
      browser.permissions.onRemoved.removeListener(read);
    };
  }, []);
  return granted;
}

/** The URL of the page DevTools inspects (undefined in a panel opened as a tab). */
function useInspectedUrl(): string | undefined {
  const [url, setUrl] = useState<string | undefined>(undefined);
  useEffect(() => {
    const devtools = devtoolsApi();
    if (!devtools) return;
    devtools.inspectedWindow.eval('location.href', (result) => {
      if (typeof result === 'string') setUrl(result);
    });
    devtools.network.onNavigated.addListener((next) => setUrl(next));
  }, []);
  return url;
}

/**
 * Which sites the extension may observe, what that leaves out of the recording, and buttons to
 * ask for more (or give access back, where the extension controls it). Shown for the live
 * recording only: a file opened in the viewer is whatever it is.
 */
export function HostAccess() {
  const store = useStore();
  if (!store.live || store.source.value.kind !== 'live') return null;
  return <HostAccessLive />;
}

function HostAccessLive() {
  const store = useStore();
  const granted = useGrantedOrigins();
  const inspectedUrl = useInspectedUrl();
  const [typed, setTyped] = useState('');
  const [message, setMessage] = useState<string | undefined>(undefined);
  if (granted === undefined) return null;

  const control = hostAccessControl(browser.runtime.getManifest() as ManifestHostAccess);
  const firefox = Boolean(import.meta.env.FIREFOX);

  // permissions.request must run inside the click itself (Firefox refuses it after an await).
  const ask = (pattern: string, what: string) => {
    setMessage(undefined);
    browser.permissions.request({ origins: [pattern] }).then(
      (ok) => setMessage(ok ? undefined : `Access to ${what} was not granted.`),
      (error: unknown) => setMessage(`Cannot ask for ${what}: ${String(error)}`),
    );
  };
  const giveBack = (patterns: string[], what: string) => {
    setMessage(undefined);
    browser.permissions.remove({ origins: patterns }).then(
      () => undefined,
      (error: unknown) => setMessage(`Cannot give back ${what}: ${String(error)}`),
    );
  };
  const openSiteAccess = () =>
    void browser.tabs
      .create({ url: `chrome://extensions/?id=${browser.runtime.id}` })
      .catch((error: unknown) =>
        setMessage(`Cannot open the extension's settings: ${String(error)}`),
      );

  const howToLimit =
    control === 'extension' ? (
      <button type="button" data-testid="limit-access" onClick={() => giveBack(granted, 'access')}>
        Give back access to every site
      </button>
    ) : firefox ? (
      <span>
        Firefox grants this build every site at install; the least-privilege build (
        <code>--mode on-request</code>) asks for sites one by one.
      </span>
    ) : (
      <span>
        To record chosen sites only, set <b>Site access</b> to “On specific sites” in the
        extension’s details.{' '}
        <button type="button" data-testid="open-site-access" onClick={openSiteAccess}>
          Open Site access
        </button>
      </span>
    );

  if (coversAllSites(granted)) {
    return (
      <details class="host-access" data-testid="host-access" data-access="all">
        <summary>Site access: all sites</summary>
        <p>
          While recording is on, every hop and cookie change on every site is captured. {howToLimit}
        </p>
        {message && <p data-testid="host-access-message">{message}</p>}
      </details>
    );
  }

  const missing = uncapturedSites(granted, store.exchanges.value);
  const inspectedPattern =
    inspectedUrl && !isCaptured(granted, inspectedUrl) ? sitePatternFor(inspectedUrl) : undefined;
  const typedPattern = patternFromInput(typed);
  const canGiveBack = control === 'extension';

  return (
    <div
      class="host-access limited"
      role="note"
      data-testid="host-access"
      data-access={granted.length === 0 ? 'none' : 'some'}
    >
      {granted.length === 0 ? (
        <p>
          <b>Site access: none.</b> Session Tracer may not observe any site, so nothing is recorded
          until you allow sites.
        </p>
      ) : (
        <>
          <p>
            <b>Site access: chosen sites only.</b> Recorded:
          </p>
          <ul class="granted-sites">
            {granted.map((pattern) => (
              <li key={pattern} data-testid="granted-site" data-pattern={pattern}>
                {describePattern(pattern)}
                {canGiveBack && (
                  <button
                    type="button"
                    data-testid="remove-site"
                    data-pattern={pattern}
                    onClick={() => giveBack([pattern], describePattern(pattern))}
                  >
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      <p data-testid="host-access-explanation">
        Hops and cookie changes on any other site are not captured until you allow it: a login that
        passes through an authorization server or identity provider not listed here shows a gap
        where those hops should be, and its sessions and tokens are missing from the analysis.
      </p>
      {missing.length > 0 && (
        <>
          <p>Not captured, though this recording points at them:</p>
          <ul class="uncaptured-sites">
            {missing.map((m) => (
              <li
                key={m.site}
                data-testid="uncaptured-site"
                data-site={m.site}
                data-pattern={m.pattern}
              >
                <code>{m.site}</code> ({m.seenAs.map((s) => SEEN_AS[s]).join('; ')}){' '}
                <button
                  type="button"
                  data-testid="allow-site"
                  data-pattern={m.pattern}
                  onClick={() => ask(m.pattern, m.site)}
                >
                  Allow
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <p class="host-access-actions">
        <button
          type="button"
          data-testid="allow-all"
          onClick={() => ask('<all_urls>', 'all sites')}
        >
          Allow all sites
        </button>
        {inspectedPattern && (
          <button
            type="button"
            data-testid="allow-inspected"
            data-pattern={inspectedPattern}
            onClick={() => ask(inspectedPattern, describePattern(inspectedPattern))}
          >
            Allow {describePattern(inspectedPattern)}
          </button>
        )}
        <input
          type="text"
          data-testid="allow-typed-input"
          aria-label="A site to allow"
          placeholder="auth.example.com"
          value={typed}
          onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
        />
        <button
          type="button"
          data-testid="allow-typed"
          disabled={!typedPattern}
          onClick={() => typedPattern && ask(typedPattern, describePattern(typedPattern))}
        >
          Allow site
        </button>
        {!canGiveBack && !firefox && (
          <span>
            Chrome’s Site access setting limits this extension; withdraw sites there.{' '}
            <button type="button" data-testid="open-site-access" onClick={openSiteAccess}>
              Open Site access
            </button>
          </span>
        )}
      </p>
      {message && <p data-testid="host-access-message">{message}</p>}
    </div>
  );
}
