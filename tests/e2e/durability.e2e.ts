// Issue 9 (hardening): a recording survives what Chrome does to an MV3 extension. The service
// worker is stopped between the steps of two logins (as Chrome stops an idle one), and the whole
// browser is closed and started again on the same profile in the middle of the second login. A
// panel page afterwards shows every hop and every cookie change, in order.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { CookieEvent } from '../../lib/model';
import { startHopServers, type HopServers } from './support/hop-servers';
import { launchChromiumWithExtension, shownHops, type ExtensionBrowser } from './support/chromium';
import { readCookieEvents } from './support/lab-run';

type Hop = HopServers['expectedHops'][number];

/** `${method} ${url}` of a hop, the key the assertions compare. */
const key = (h: { method: string; url: string }) => `${h.method} ${h.url}`;

/** The host a hop's URL is on (cookie events carry the jar's domain). */
const hostOf = (url: string) => new URL(url).hostname;

/**
 * The cookie-jar changes the hops cause, in order: one addition per Set-Cookie that stores a
 * cookie, and an expiry where a Set-Cookie clears one (app_tx, Max-Age=0, on the app's callback)
 * that is in the jar. Overwrites of a cookie already in the jar also show a removal (cause
 * `overwrite`); those are left out here and checked separately.
 */
function expectedJarChanges(hops: Hop[], jarAtStart: string[] = []): string[] {
  const jar = new Set(jarAtStart);
  const changes: string[] = [];
  for (const hop of hops) {
    for (const name of hop.setCookies) {
      const cookie = `${name}@${hostOf(hop.url)}`;
      if (name === 'app_tx' && hop.url.includes('/callback')) {
        if (jar.delete(cookie)) changes.push(`expired ${cookie}`);
      } else {
        jar.add(cookie);
        changes.push(`added ${cookie}`);
      }
    }
  }
  return changes;
}

function describeEvent(e: CookieEvent): string | undefined {
  const cookie = `${e.cookie.name}@${e.cookie.domain.replace(/^\./, '')}`;
  if (!e.removed) return `added ${cookie}`;
  if (e.cause.startsWith('expired')) return `expired ${cookie}`;
  return undefined; // an overwrite's removal: checked on its own
}

describe('a recording survives stopped service workers and a browser restart', () => {
  let servers: HopServers;
  let profile: string;
  let chromium: ExtensionBrowser | undefined;

  beforeEach(async () => {
    servers = await startHopServers();
    profile = await mkdtemp(path.join(os.tmpdir(), 'session-tracer-profile-'));
  });
  afterEach(async () => {
    await chromium?.close();
    chromium = undefined;
    await servers?.close();
    await rm(profile, { recursive: true, force: true });
  });

  /**
   * Waits until the database holds `hops` hops (favicon fetches aside) and at least `events`
   * cookie changes: a fresh panel page reads them from it. Chrome stops an idle worker only
   * after its batch is written; this is the same condition for the stops the test makes.
   */
  async function waitUntilStored(hops: number, events: number): Promise<void> {
    const watcher = await chromium!.openPanelPage();
    await watcher.setViewport({ width: 1200, height: 3000 });
    const deadline = Date.now() + 15_000;
    let shown = 0;
    let stored = 0;
    while (Date.now() < deadline) {
      shown = (await shownHops(watcher)).filter((h) => h.status !== '…').length;
      stored = Number(
        await watcher.$eval(
          '[data-testid="exchange-count"]',
          (e) => (e as HTMLElement).dataset['cookieEvents'],
        ),
      );
      if (shown >= hops && stored >= events) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await watcher.close();
    expect(shown, 'hops stored before the worker is stopped').toBeGreaterThanOrEqual(hops);
    expect(stored, 'cookie changes stored before the worker is stopped').toBeGreaterThanOrEqual(
      events,
    );
  }

  async function submitLogin(tab: Page): Promise<void> {
    await tab.bringToFront();
    await tab.type('#user', 'alice');
    await tab.type('#password', 'wonderland');
    await Promise.all([tab.waitForNavigation(), tab.click('#submit')]);
    await tab.waitForSelector('#done');
  }

  it('every hop and every cookie change of two logins, in order', async () => {
    const login = servers.expectedHops;
    const [start, authorize, loginPage] = login as [Hop, Hop, Hop, ...Hop[]];
    const afterForm = login.slice(3);
    let stops = 0;

    chromium = await launchChromiumWithExtension({ userDataDir: profile });
    let tab = await chromium.browser.newPage();
    await tab.bringToFront();

    // Login 1, step 1: to the identity provider's form. Stop the worker there.
    await tab.goto(`${servers.app}/start`);
    await tab.waitForSelector('#user');
    await waitUntilStored(3, 3);
    await chromium.stopServiceWorker();
    stops += 1;

    // Login 1, step 2: the form's POST and the redirects home (the first event wakes the worker).
    await submitLogin(tab);
    await waitUntilStored(7, 8);
    await chromium.stopServiceWorker();
    stops += 1;

    // Login 2, step 1, then the browser goes away in the middle of the login.
    await tab.goto(`${servers.app}/start`);
    await tab.waitForSelector('#user');
    await waitUntilStored(10, 11);
    await chromium.stopServiceWorker();
    stops += 1;
    await chromium.close();

    // The same profile again: the tab is gone, so the user opens the login page again and
    // finishes the login. The worker is stopped once more between the two steps.
    chromium = await launchChromiumWithExtension({ userDataDir: profile });
    tab = await chromium.browser.newPage();
    await tab.bringToFront();
    await tab.goto(loginPage.url);
    await tab.waitForSelector('#user');
    await waitUntilStored(11, 12);
    await chromium.stopServiceWorker();
    stops += 1;
    await submitLogin(tab);
    expect(stops).toBe(4);

    const expected: Hop[] = [...login, start, authorize, loginPage, loginPage, ...afterForm];
    const panel = await chromium.openPanelPage();
    await panel.setViewport({ width: 1200, height: 3000 });
    let shown = await shownHops(panel);
    const deadline = Date.now() + 15_000;
    while (shown.length < expected.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      shown = await shownHops(panel);
    }

    // Every hop, once, in order, with its status, redirect and the cookies it set.
    expect(shown.map(key)).toEqual(expected.map(key));
    expected.forEach((hop, i) => {
      expect(shown[i], `hop ${i}: ${key(hop)}`).toEqual({
        method: hop.method,
        url: hop.url,
        status: String(hop.status),
        redirect: hop.redirect ?? '',
        setCookies: hop.setCookies,
      });
    });

    // Every cookie change, in order. Session cookies do not outlive the browser, so after the
    // restart the jar starts empty: every cookie of the second half is added again.
    const events = await readCookieEvents(panel);
    const beforeRestart = [...login, start, authorize, loginPage];
    const afterRestart = [loginPage, ...afterForm];
    const expectedChanges = [
      ...expectedJarChanges(beforeRestart),
      ...expectedJarChanges(afterRestart),
    ];
    expect(events.map(describeEvent).filter(Boolean)).toEqual(expectedChanges);
    // The second login's first step sets app_tx, auth_tx and idp_visit again: a cookie still in
    // the jar (auth_tx, idp_visit) is overwritten, so its removal comes right before its addition.
    events.forEach((e, i) => {
      if (e.removed && e.cause === 'overwrite') {
        expect(describeEvent(events[i + 1]!)).toBe(
          `added ${e.cookie.name}@${e.cookie.domain.replace(/^\./, '')}`,
        );
      }
    });
    // The panel counts what it read: nothing else is hidden behind the list.
    const counted = await panel.$eval('[data-testid="exchange-count"]', (e) =>
      Number((e as HTMLElement).dataset['cookieEvents']),
    );
    expect(counted).toBe(events.length);
  });
});
