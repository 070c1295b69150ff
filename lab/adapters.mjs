// Page adapters: the scenario driver (scenarios.mjs) talks to a browser through six methods
// only, so the same scenarios run on a Playwright page, a Puppeteer page (Chromium over CDP or
// Firefox over WebDriver BiDi) or anything else that can navigate, type and click.
//
// PageAdapter contract:
//   goto(url)            navigate; resolves once the page at the end of the redirects has loaded
//   fill(selector, text) replace the value of an input
//   click(selector)      click; resolves once the navigation the click causes has loaded
//   url()                the current top-level URL (string or Promise of one)
//   text(selector)       textContent of the first match, or null when nothing matches (no wait)
//   waitForUrl(prefix)   resolves once the top-level URL starts with prefix and has loaded; used
//                        after pages that submit themselves (form_post, logout confirmation)

const DEFAULT_TIMEOUT = 15_000;

/**
 * Reading the page while it navigates away (a self-submitting form) throws "execution context
 * was destroyed": wait for the next document and read again.
 * @template T
 * @param {() => Promise<T>} read
 * @param {() => Promise<unknown>} waitForDocument
 * @returns {Promise<T>}
 */
async function retryAcrossNavigation(read, waitForDocument) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Firefox (BiDi) says "cross-origin object" when asked into a document being replaced, and
      // "no such handle" when an element it found belonged to the document just replaced.
      if (attempt >= 50 || !/context|navigat|detached|cross-origin|no such handle/i.test(message))
        throw err;
      // The old document may still count as loaded until the new one commits: pause first.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await waitForDocument().catch(() => undefined);
    }
  }
}

/**
 * @param {import('playwright-core').Page} page
 * @param {{ timeout?: number }} [options]
 * @returns {import('./scenarios.mjs').PageAdapter}
 */
export function playwrightAdapter(page, { timeout = DEFAULT_TIMEOUT } = {}) {
  return {
    async goto(url) {
      await page.goto(url, { waitUntil: 'load', timeout });
    },
    async fill(selector, value) {
      await page.fill(selector, value, { timeout });
    },
    async click(selector) {
      // Listen before clicking, or a fast redirect chain could finish unobserved.
      // waitForNavigation is deprecated in favour of waitForURL, but we do not know the URL.
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load', timeout }),
        page.click(selector, { timeout }),
      ]);
    },
    url: () => page.url(),
    async text(selector) {
      return retryAcrossNavigation(
        async () => {
          const el = await page.$(selector);
          return el ? ((await el.textContent()) ?? '') : null;
        },
        () => page.waitForLoadState('load', { timeout }),
      );
    },
    async waitForUrl(prefix) {
      await page.waitForURL((u) => u.href.startsWith(prefix), { waitUntil: 'load', timeout });
    },
  };
}

/**
 * @param {import('puppeteer-core').Page} page
 * @param {{ timeout?: number }} [options]
 * @returns {import('./scenarios.mjs').PageAdapter}
 */
export function puppeteerAdapter(page, { timeout = DEFAULT_TIMEOUT } = {}) {
  return {
    async goto(url) {
      await page.goto(url, { waitUntil: 'load', timeout });
    },
    async fill(selector, value) {
      await page.locator(selector).setTimeout(timeout).fill(value);
    },
    async click(selector) {
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load', timeout }),
        page.click(selector),
      ]);
    },
    url: () => page.url(),
    async text(selector) {
      return retryAcrossNavigation(
        async () => {
          const el = await page.$(selector);
          return el ? await el.evaluate((e) => e.textContent ?? '') : null;
        },
        () =>
          page.waitForFunction(() => document.readyState === 'complete', { timeout, polling: 50 }),
      );
    },
    async waitForUrl(prefix) {
      // Polled from here rather than evaluated in the page: during a cross-site auto-submit
      // Firefox (BiDi) refuses evaluation in the document being replaced.
      const deadline = Date.now() + timeout;
      while (Date.now() < deadline) {
        if (page.url().startsWith(prefix)) {
          const ready = await page.evaluate(() => document.readyState).catch(() => 'loading');
          if (ready === 'complete' && page.url().startsWith(prefix)) return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for a URL starting with ${prefix} (at ${page.url()})`);
    },
  };
}
