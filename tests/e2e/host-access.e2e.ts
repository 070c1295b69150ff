// Host access limited to chosen sites: the panel says what is not captured, a granted site is
// recorded and an ungranted one is not, and the panel follows grants as they change.
import type { Frame, Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  launchChromiumWithExtension,
  openDevToolsPanel,
  shownHops,
  waitForHops,
  type ExtensionBrowser,
} from './support/chromium';
import { launchFirefoxWithExtension, FIREFOX_ON_REQUEST_BUILD } from './support/firefox';
import { startHopServers, type HopServers } from './support/hop-servers';
import { setSiteAccess } from './support/site-access';

/** What the host access section shows, read through its test hooks. */
interface ShownAccess {
  access: string;
  granted: string[];
  uncaptured: string[];
  explained: boolean;
}

async function shownAccess(target: Page | Frame): Promise<ShownAccess> {
  return target.$eval('[data-testid="host-access"]', (el) => ({
    access: (el as HTMLElement).dataset['access'] ?? '',
    granted: [...el.querySelectorAll<HTMLElement>('[data-testid="granted-site"]')].map(
      (g) => g.dataset['pattern'] ?? '',
    ),
    uncaptured: [...el.querySelectorAll<HTMLElement>('[data-testid="uncaptured-site"]')].map(
      (u) => u.dataset['site'] ?? '',
    ),
    explained: Boolean(
      el.querySelector('[data-testid="host-access-explanation"]')?.textContent?.trim(),
    ),
  }));
}

/** Waits until the section shows what `wanted` says (the panel follows permission changes). */
async function waitForAccess(
  target: Page | Frame,
  wanted: (shown: ShownAccess) => boolean,
  timeoutMs = 15_000,
): Promise<ShownAccess> {
  const deadline = Date.now() + timeoutMs;
  let shown: ShownAccess | undefined;
  while (Date.now() < deadline) {
    shown = await shownAccess(target).catch(() => undefined);
    if (shown && wanted(shown)) return shown;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the host access section shows ${JSON.stringify(shown)}`);
}

/** Walks a tab through the three parties: redirects, the login form's POST, redirects home. */
async function runLogin(page: Page, servers: HopServers): Promise<void> {
  await page.bringToFront();
  await page.goto(`${servers.app}/start`);
  await page.waitForSelector('#user');
  await page.type('#user', 'alice');
  await page.type('#password', 'wonderland');
  await Promise.all([page.waitForNavigation(), page.click('#submit')]);
  await page.waitForSelector('#done');
}

const onHost = (servers: HopServers, who: 'app' | 'auth' | 'idp') =>
  servers.expectedHops.map((h) => h.url).filter((u) => u.startsWith(servers[who]));

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

describe('host access in real Chromium (the default build, Site access set as a user does)', () => {
  async function start(): Promise<{ servers: HopServers; chromium: ExtensionBrowser }> {
    const servers = await startHopServers();
    cleanup.push(() => servers.close());
    const chromium = await launchChromiumWithExtension();
    cleanup.push(() => chromium.close());
    return { servers, chromium };
  }

  it('records only the granted site, names the sites it missed, and records everything once all sites are allowed', async () => {
    const { servers, chromium } = await start();
    const panel = await chromium.openPanelPage();
    // Out of the box: every site.
    expect((await waitForAccess(panel, (s) => s.access === 'all')).access).toBe('all');

    // "On specific sites" with none chosen: the panel says nothing is recorded.
    await setSiteAccess(chromium, { sites: [] });
    const none = await waitForAccess(panel, (s) => s.access === 'none');
    expect(none.explained).toBe(true);

    // The app's site only; the panel follows without a reload (permissions.onAdded).
    await setSiteAccess(chromium, { sites: ['http://app.localhost/*'] });
    await waitForAccess(panel, (s) => s.access === 'some');

    const tab = await chromium.browser.newPage();
    await runLogin(tab, servers);
    // The app's hops are recorded, with the redirect that left for the authorization server.
    const shown = await waitForHops(panel, onHost(servers, 'app'));
    expect(shown.find((h) => h.url === `${servers.app}/start`)?.redirect).toBe(
      `${servers.auth}/authorize?client=app`,
    );
    // The app's last hop came after every auth and idp hop: none of those was recorded.
    expect(
      shown.filter((h) => h.url.startsWith(servers.auth) || h.url.startsWith(servers.idp)),
    ).toEqual([]);
    // The panel names the sites the login went through and did not capture.
    const limited = await waitForAccess(panel, (s) => s.uncaptured.length >= 2);
    expect(limited).toEqual({
      access: 'some',
      granted: ['http://app.localhost/*'],
      uncaptured: ['http://auth.localhost', 'http://idp.localhost'],
      explained: true,
    });
    const allow = await panel.$$eval('[data-testid="allow-site"]', (els) =>
      els.map((e) => e.getAttribute('data-pattern')),
    );
    expect(allow).toEqual(['http://auth.localhost/*', 'http://idp.localhost/*']);

    // All sites again (permissions.onAdded): the explanation goes, the next login is whole.
    await setSiteAccess(chromium, { allSites: true });
    await waitForAccess(panel, (s) => s.access === 'all');
    await runLogin(tab, servers);
    const whole = await waitForHops(
      panel,
      servers.expectedHops.map((h) => h.url),
    );
    for (const hop of servers.expectedHops.filter((h) => !h.url.startsWith(servers.app)))
      expect(
        whole.filter((h) => h.url === hop.url && h.method === hop.method),
        `${hop.method} ${hop.url}`,
      ).toHaveLength(1);
  });

  it('in real DevTools, offers to allow the inspected site when it is withheld', async () => {
    const { servers, chromium } = await start();
    await setSiteAccess(chromium, { sites: ['http://app.localhost/*'] });
    const tab = await chromium.browser.newPage();
    await tab.goto(`${servers.idp}/login`);
    const panel = await openDevToolsPanel(tab, chromium.extensionId);
    await waitForAccess(panel, (s) => s.access === 'some');
    await panel.waitForSelector('[data-testid="allow-inspected"]', { timeout: 15_000 });
    const pattern = await panel.$eval('[data-testid="allow-inspected"]', (e) =>
      e.getAttribute('data-pattern'),
    );
    expect(pattern).toBe('http://idp.localhost/*');
    // Nothing of the inspected (withheld) site was recorded.
    expect((await shownHops(panel)).filter((h) => h.url.startsWith(servers.idp))).toEqual([]);
  });
});

describe('host access in real Firefox (the on-request build: no site at install)', () => {
  it('asks for sites from the panel, records only those, and gives them back', async () => {
    const servers = await startHopServers();
    cleanup.push(() => servers.close());
    // Firefox's test preference answers the permission prompt with "Allow"; the request itself
    // still needs the real click (a user gesture) that puppeteer gives.
    const firefox = await launchFirefoxWithExtension({
      build: FIREFOX_ON_REQUEST_BUILD,
      prefs: { 'extensions.webextOptionalPermissionPrompts': false },
    });
    cleanup.push(() => firefox.close());
    const panel = await firefox.openPanelPage();
    expect((await waitForAccess(panel, (s) => s.access === 'none')).explained).toBe(true);

    // Allow the app's site by name.
    await panel.bringToFront();
    await panel.type('[data-testid="allow-typed-input"]', 'http://app.localhost');
    await panel.click('[data-testid="allow-typed"]');
    await waitForAccess(panel, (s) => s.granted.join() === 'http://app.localhost/*');

    const tab = await firefox.browser.newPage();
    await runLogin(tab, servers);
    await waitForHops(panel, onHost(servers, 'app'));
    const first = await shownHops(panel);
    expect(first.filter((h) => !h.url.startsWith(servers.app))).toEqual([]);
    await waitForAccess(panel, (s) => s.uncaptured.includes('http://auth.localhost'));

    // Allow the authorization server from the list of missed sites, give the app back.
    await panel.bringToFront();
    await panel.click('[data-testid="allow-site"][data-pattern="http://auth.localhost/*"]');
    await waitForAccess(panel, (s) => s.granted.includes('http://auth.localhost/*'));
    await panel.click('[data-testid="remove-site"][data-pattern="http://app.localhost/*"]');
    await waitForAccess(panel, (s) => s.granted.join() === 'http://auth.localhost/*');

    // The next login: the authorization server's hops are recorded, the app's no longer are.
    await runLogin(tab, servers);
    const second = await waitForHops(panel, onHost(servers, 'auth'));
    expect(second.filter((h) => h.url === `${servers.app}/start`)).toHaveLength(1);
    expect(second.filter((h) => h.url.startsWith(servers.idp))).toEqual([]);
  });
});
