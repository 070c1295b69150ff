// Values that carry HTML or script (a cookie value, a claim, a URL, a header, SAML XML) render as
// inert text in the real panel: nothing executes, and the text is shown as it is.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  launchChromiumWithExtension,
  waitForHops,
  type ExtensionBrowser,
} from './support/chromium';
import { clickHook, openFlow, waitForFlows } from './support/panel-read';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=2</script>',
  '"><svg onload=window.__xss=3>',
];

async function hostileServers() {
  const ports = { app: 0, as: 0 };
  const url = (who: 'app' | 'as', path: string) =>
    `http://${who === 'app' ? 'evil-app' : 'evil-as'}.localhost:${ports[who]}${path}`;
  const idToken = `${b64url({ alg: 'RS256', typ: 'JWT', kid: PAYLOADS[0] })}.${b64url({ iss: 'x', sub: PAYLOADS[1], aud: 'c', nonce: 'n', name: PAYLOADS[2], exp: 4102444800, iat: 1 })}.c2ln`;
  const handler = (who: 'app' | 'as') => (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = req.url ?? '/';
    if (who === 'app' && path === '/start') {
      const authorize = url(
        'as',
        `/authorize?response_type=id_token&client_id=c&redirect_uri=${encodeURIComponent(url('app', '/cb'))}&nonce=n&state=${encodeURIComponent(PAYLOADS[1]!)}`,
      );
      res.writeHead(302, {
        Location: authorize,
        'Set-Cookie': [
          `evil=${encodeURIComponent(PAYLOADS[0]!)}; Path=/`,
          `raw=<b>bold</b>; Path=/`,
        ],
        'X-Evil': PAYLOADS[2],
      });
      return void res.end();
    }
    if (who === 'as' && path.startsWith('/authorize')) {
      res.writeHead(302, {
        Location: url('app', `/cb#id_token=${idToken}&state=${encodeURIComponent(PAYLOADS[1]!)}`),
        'Set-Cookie': `sess=${PAYLOADS[2]!.replace(/[;\s]/g, '')}; Path=/`,
      });
      return void res.end();
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>cb</title><p id="done">done</p>');
  };
  const servers = [http.createServer(handler('app')), http.createServer(handler('as'))];
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  ports.app = (servers[0]!.address() as AddressInfo).port;
  ports.as = (servers[1]!.address() as AddressInfo).port;
  return {
    start: url('app', '/start'),
    callback: url('app', '/cb'),
    close: () =>
      Promise.all(servers.map((s) => (s.closeAllConnections(), new Promise((r) => s.close(r))))),
  };
}

describe('hostile values in the panel', () => {
  let chromium: ExtensionBrowser;
  let servers: Awaited<ReturnType<typeof hostileServers>>;
  beforeEach(async () => {
    servers = await hostileServers();
    chromium = await launchChromiumWithExtension();
  });
  afterEach(async () => {
    await chromium?.close();
    await servers?.close();
  });

  it('render as text and never execute', async () => {
    const panel = await chromium.openPanelPage();
    const tab = await chromium.browser.newPage();
    await tab.goto(servers.start);
    await tab.waitForSelector('#done');
    await waitForHops(panel, [servers.start]);
    // Every view that shows a value: the hop list, hop details, the flow, its tokens and sessions.
    for (const row of await panel.$$('[data-testid="exchange-row"]')) {
      await row.evaluate((el) => (el as HTMLElement).click());
      await panel.waitForSelector('[data-testid="hop-details"]');
    }
    await clickHook(panel, `[data-testid="exchange-row"][data-url="${servers.start}"]`);
    const details = await panel.$eval('[data-testid="hop-details"]', (el) => el.textContent ?? '');
    expect(details).toContain('<b>bold</b>');
    expect(details).toContain(PAYLOADS[2]);
    const [flow] = await waitForFlows(panel, ['sso']);
    for (const view of ['sequence', 'sessions', 'tokens', 'problems', 'narrative', 'hops'])
      await openFlow(panel, flow!.id, view);
    await openFlow(panel, flow!.id, 'tokens');
    const tokenText = await panel.$eval('[data-testid="token"]', (el) => el.textContent ?? '');
    expect(tokenText).toContain(PAYLOADS[1]);
    expect(tokenText).toContain(PAYLOADS[2]);
    await new Promise((r) => setTimeout(r, 300));
    const executed = await panel.evaluate(() => (window as unknown as { __xss?: number }).__xss);
    expect(executed).toBeUndefined();
    // The page's policy is the backstop: an inline script put into the page does not run.
    const injected = await panel.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__xss = 9';
      document.body.append(script);
      await new Promise((r) => setTimeout(r, 50));
      return (window as unknown as { __xss?: number }).__xss;
    });
    expect(injected).toBeUndefined();
    // No element came from the values: the panel holds no img, script or svg of theirs.
    expect(await panel.$$eval('img, svg', (els) => els.length)).toBe(0);
  });
});
