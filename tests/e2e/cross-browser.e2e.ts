// The same lab scenarios in Chromium and in Firefox ESR, asserting the same results through the
// panel's test hooks: capture (redirects, form posts, merged Set-Cookie, cookie-jar changes),
// flows, parties, tiers and problems.
import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { puppeteerAdapter } from '../../lab/adapters.mjs';
import { runScenario } from '../../lab/scenarios.mjs';
import { startLab, type Lab } from '../../lab/start.mjs';
import { launchChromiumWithExtension } from './support/chromium';
import { launchFirefoxWithExtension } from './support/firefox';
import { diagnosticIds, openFlow, tierCards, waitForFlows } from './support/panel-read';
import { SHARED_SCENARIOS } from './support/shared-scenarios';

const BROWSERS = {
  chromium: launchChromiumWithExtension,
  firefox: launchFirefoxWithExtension,
} as const;

describe.each(Object.keys(BROWSERS) as (keyof typeof BROWSERS)[])('%s', (name) => {
  let cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    cleanup = [];
  });

  it.each(SHARED_SCENARIOS)('$name', async (expected) => {
    const lab: Lab = await startLab({
      ports: { app: 0, auth: 0, idp: 0 },
      ...(expected.faults ? { faults: expected.faults } : {}),
    });
    cleanup.push(() => lab.close());
    const ext = await BROWSERS[name]();
    cleanup.push(() => ext.close());
    const panel: Page = await ext.openPanelPage();
    await panel.setViewport({ width: 1400, height: 1200 });
    const tab = await ext.browser.newPage();
    await tab.bringToFront();
    await runScenario(expected.scenario, puppeteerAdapter(tab), lab);

    const flows = await waitForFlows(panel, expected.kinds, 30_000);
    if (expected.tiers) {
      await openFlow(panel, flows[expected.tiers.flow]!.id, 'sessions');
      const cards = await tierCards(panel);
      const shown = Object.fromEntries(
        cards.map((c) => [c.role, c.cookies.filter((x) => !x.includes('.sig'))]),
      );
      expect(shown).toMatchObject(expected.tiers.cookies);
    }
    if (expected.problems) {
      await openFlow(panel, flows[0]!.id, 'problems');
      const ids = await diagnosticIds(panel);
      if (expected.problems.length === 0)
        expect(ids.filter((id) => id !== 'NONCE_MISSING')).toEqual([]);
      else expect(ids).toEqual(expect.arrayContaining(expected.problems));
    }
    // What Firefox does differently is said in the panel, not left as a silent gap.
    const notes = await panel
      .$eval('[data-testid="source-notes"]', (el) => el.textContent ?? '')
      .catch(() => '');
    if (name === 'firefox') expect(notes).toMatch(/Total Cookie Protection/);
    else expect(notes).toBe('');
    // The cookie jar was recorded too (Firefox and Chromium both report cookies.onChanged).
    const jarChanges = await panel.$eval('[data-testid="exchange-count"]', (el) =>
      Number((el as HTMLElement).dataset['cookieEvents']),
    );
    expect(jarChanges).toBeGreaterThan(0);
  });
});
