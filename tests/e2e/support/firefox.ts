import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** The test build (`wxt build -b firefox --mode e2e`): its background opens the panel page. */
export const FIREFOX_BUILD = path.resolve('.output/firefox-mv2-e2e');
/** The least-privilege test build (`--mode e2e-on-request`): no site access at install. */
export const FIREFOX_ON_REQUEST_BUILD = path.resolve('.output/firefox-mv2-e2e-on-request');
const FIREFOX = process.env['FIREFOX_BIN'] ?? '/usr/bin/firefox-esr';
const GECKO_ID = 'session-tracer@session-tracer.dev';
/** A fixed moz-extension:// host, so that tests know the panel's URL. */
export const FIREFOX_UUID = '7b0c1c2e-0000-4000-8000-000000000001';

export interface FirefoxExtensionBrowser {
  browser: Browser;
  extensionId: string;
  /** The panel page the extension opened (all tabs); `query` navigates it (e.g. ?tabId=). */
  openPanelPage(query?: string): Promise<Page>;
  close(): Promise<void>;
}

/** Firefox ESR from apt over WebDriver BiDi, with the built extension installed. */
export async function launchFirefoxWithExtension(
  options: { build?: string; prefs?: Record<string, unknown> } = {},
): Promise<FirefoxExtensionBrowser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      ...options.prefs,
    },
  });
  await browser.installExtension(options.build ?? FIREFOX_BUILD);
  return {
    browser,
    extensionId: FIREFOX_UUID,
    async openPanelPage(query = '') {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        for (const page of await browser.pages()) {
          // BiDi reports the extension's tab as about:blank: ask the page itself.
          const href = await page.evaluate(() => location.href).catch(() => '');
          if (href.includes('/devtools-panel.html')) {
            if (query && !href.endsWith(query)) {
              await page.evaluate((q) => (location.href = `/devtools-panel.html${q}`), query);
              await new Promise((r) => setTimeout(r, 300));
            }
            await page.waitForSelector('[data-testid="record-toggle"]');
            return page;
          }
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('the extension did not open its panel page in Firefox');
    },
    close: () => browser.close(),
  };
}
