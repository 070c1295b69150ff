// Issue 9 (hardening): the extension's own requests (docs/security.md, "What leaves the machine").
// Every request made by the extension's service worker, its pages and their workers is recorded
// through the DevTools protocol during a lab login, while the panel analyses it, and when Verify is
// pressed in the Tokens tab: the only requests are the issuer's discovery document and JWKS, made
// only after Verify; with "Fetch keys to verify signatures" off, Verify makes none.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startLab, type Lab } from '../../lab/start.mjs';
import { launchChromiumWithExtension, type ExtensionBrowser } from './support/chromium';
import { runInChromium } from './support/lab-run';
import { recordOwnRequests, type OwnRequestLog } from './support/own-requests';
import { clickHook, openFlow } from './support/panel-read';

const VERIFY = '[data-testid="verify-tokens"]';
const SWITCH = '[data-testid="setting-fetch-keys"]';
const ID_TOKEN = '[data-testid="token"][data-kind="id_token"]';

/**
 * Waits until `selector` matches in `page`, polling by time: the panel is often a background tab,
 * where puppeteer's default waits were seen to miss a change (capture.e2e.ts polls the same way).
 */
async function shows(page: Page, selector: string, options: { timeout?: number } = {}) {
  await page.waitForFunction(
    (s: string) => document.querySelector(s) !== null,
    {
      polling: 100,
      timeout: options.timeout ?? 15_000,
    },
    selector,
  );
}

describe("the extension's own requests", () => {
  // The implicit variant sends an ID token through the browser, so the Tokens tab has one to verify.
  let lab: Lab;
  let chromium: ExtensionBrowser | undefined;
  let requests: OwnRequestLog | undefined;
  let keyUrls: string[];

  beforeAll(async () => {
    lab = await startLab({ ports: { app: 0, auth: 0, idp: 0 }, faults: 'implicit-form-post' });
    // The issuer's own discovery names its JWKS (the lab installs *.localhost for Node's lookups).
    const discovery = `${lab.urls.auth}/.well-known/openid-configuration`;
    const jwksUri = ((await (await fetch(discovery)).json()) as { jwks_uri: string }).jwks_uri;
    keyUrls = [discovery, jwksUri];
  });
  afterAll(async () => {
    await lab?.close();
  });
  beforeEach(async () => {
    chromium = await launchChromiumWithExtension();
    requests = await recordOwnRequests(chromium);
  });
  afterEach(async () => {
    await requests?.stop();
    await chromium?.close();
    chromium = requests = undefined;
  });

  /** Runs the login with the recorder on the panel, and opens its flow's Tokens tab. */
  async function loginAndOpenTokens(): Promise<Page> {
    const recorded: ExtensionBrowser = { ...chromium!, openPanelPage: requests!.openPanelPage };
    const { panel } = await runInChromium(recorded, lab, 'faulty-login');
    await shows(panel, '[data-testid="flow-item"]', { timeout: 20_000 });
    const flowId = await panel.$eval(
      '[data-testid="flow-item"]',
      (e) => (e as HTMLElement).dataset['flowId'] ?? '',
    );
    await openFlow(panel, flowId, 'tokens');
    await shows(panel, `${ID_TOKEN}[data-verification="unverified"]`);
    // The settings are loaded: the switch shows the stored value.
    await shows(panel, `${SWITCH}:not([disabled])`);
    return panel;
  }

  const describeAll = (log: OwnRequestLog) =>
    JSON.stringify(log.network().map((r) => `${r.from} ${r.method} ${r.url}`));

  it('none while recording and analysing a login; Verify fetches only discovery and JWKS', async () => {
    // Stop the worker that started before the recorder: the login wakes it again, and what a
    // worker requests as it starts is recorded too.
    await chromium!.stopServiceWorker();
    const panel = await loginAndOpenTokens();
    // The recorder saw the extension's pages: the panel loaded its own files.
    expect(requests!.packageLoads().length).toBeGreaterThan(0);
    expect(requests!.network(), describeAll(requests!)).toEqual([]);

    expect(await panel.$eval(SWITCH, (e) => (e as HTMLInputElement).checked)).toBe(true);
    const pressed = requests!.mark();
    await clickHook(panel, VERIFY);
    await shows(panel, `${ID_TOKEN}[data-verification="valid"]`, { timeout: 15_000 });

    const made = requests!.network();
    expect(made.map((r) => `${r.method} ${r.url}`)).toEqual(keyUrls.map((u) => `GET ${u}`));
    // From the panel page itself, and only after Verify was pressed.
    for (const r of made) {
      expect(r.from).toBe('page');
      expect(r.source.startsWith(`chrome-extension://${chromium!.extensionId}/`)).toBe(true);
      expect(r.seq).toBeGreaterThan(pressed);
    }
  });

  it('with "Fetch keys to verify signatures" off, Verify is disabled, says why and makes none', async () => {
    const panel = await loginAndOpenTokens();
    await clickHook(panel, SWITCH);
    await shows(panel, `${VERIFY}[disabled]`);
    await shows(panel, '[data-testid="verify-off-reason"]');

    // Pressing it (a real click, and a DOM click) does nothing.
    await panel.bringToFront();
    await panel.click(VERIFY);
    await panel.$eval(VERIFY, (e) => (e as HTMLElement).click());
    // Time for a request to show, were one made: Verify's fetches start at once (first test).
    await new Promise((r) => setTimeout(r, 1_000));
    expect(requests!.network(), describeAll(requests!)).toEqual([]);
    expect(await panel.$eval(ID_TOKEN, (e) => (e as HTMLElement).dataset['verification'])).toBe(
      'unverified',
    );

    // The switch is stored in the profile: a new panel page starts with it off.
    const second = await requests!.openPanelPage();
    await second.setViewport({ width: 1400, height: 4000 });
    await shows(second, '[data-testid="flow-item"]', { timeout: 20_000 });
    const flowId = await second.$eval(
      '[data-testid="flow-item"]',
      (e) => (e as HTMLElement).dataset['flowId'] ?? '',
    );
    await openFlow(second, flowId, 'tokens');
    await shows(second, `${SWITCH}:not([disabled]):not(:checked)`);
    await shows(second, `${VERIFY}[disabled]`);

    // Switched on again (in the second page), Verify in the first page fetches the keys again.
    await clickHook(second, SWITCH);
    await shows(panel, `${VERIFY}:not([disabled])`);
    const pressed = requests!.mark();
    await clickHook(panel, VERIFY);
    await shows(panel, `${ID_TOKEN}[data-verification="valid"]`, { timeout: 15_000 });
    const made = requests!.network();
    expect(made.map((r) => `${r.method} ${r.url}`)).toEqual(keyUrls.map((u) => `GET ${u}`));
    expect(made.every((r) => r.seq > pressed)).toBe(true);
  });
});
