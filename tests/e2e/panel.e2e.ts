// The panel's flow views (issue 5) in real Chromium with the extension, driven by the lab:
// flows and their kinds, lanes, tier cards, decoded tokens, problems; one run in real DevTools.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { puppeteerAdapter } from '../../lab/adapters.mjs';
import { runScenario } from '../../lab/scenarios.mjs';
import { startLab, type Lab } from '../../lab/start.mjs';
import {
  launchChromiumWithExtension,
  openDevToolsPanel,
  type ExtensionBrowser,
} from './support/chromium';
import { runInChromium } from './support/lab-run';
import {
  clickHook,
  diagnosticIds,
  lanes,
  openFlow,
  tierCards,
  tokens,
  waitForFlows,
} from './support/panel-read';

describe('the panel shows flows, parties, sessions, tokens and problems', () => {
  let lab: Lab;
  let chromium: ExtensionBrowser | undefined;
  const extraLabs: Lab[] = [];

  beforeAll(async () => {
    lab = await startLab({ ports: { app: 0, auth: 0, idp: 0 } });
  });
  afterAll(async () => {
    await lab?.close();
  });
  beforeEach(async () => {
    chromium = await launchChromiumWithExtension();
  });
  afterEach(async () => {
    await chromium?.close();
    chromium = undefined;
    await Promise.all(extraLabs.splice(0).map((l) => l.close()));
  });

  it('a federated login: one flow, four lanes, three sessions created', async () => {
    const { panel } = await runInChromium(chromium!, lab, 2);
    const [flow] = await waitForFlows(panel, ['federated-login']);
    expect(flow?.outcome).toBe('success');
    await openFlow(panel, flow!.id, 'sequence');
    expect(await lanes(panel)).toEqual([
      { role: 'browser', origin: 'browser' },
      { role: 'app', origin: lab.urls.app },
      { role: 'authorization-server', origin: lab.urls.auth },
      { role: 'identity-provider', origin: lab.urls.idp },
    ]);
    const markers = await panel.$$eval('[data-testid="cookie-marker"]', (els) =>
      els.map(
        (e) => `${(e as HTMLElement).dataset['name']}:${(e as HTMLElement).dataset['change']}`,
      ),
    );
    expect(markers).toEqual(expect.arrayContaining(['storezero.sid:created', '_session:created']));
    await openFlow(panel, flow!.id, 'sessions');
    const cards = await tierCards(panel);
    expect(
      cards.map((c) => [c.role, c.origin, c.cookies.filter((x) => !x.includes('.sig'))]),
    ).toEqual([
      ['app', lab.urls.app, ['storezero.sid:created']],
      ['authorization-server', lab.urls.auth, ['_session:created']],
      ['identity-provider', lab.urls.idp, ['_session:created']],
    ]);
    // Clicking an arrow opens that hop.
    await openFlow(panel, flow!.id, 'sequence');
    const first = await panel.$eval(
      '[data-testid="sequence-step"]',
      (e) => (e as HTMLElement).dataset['exchangeId'],
    );
    await panel.$eval('[data-testid="sequence-step"]', (e) => (e as HTMLElement).click());
    await panel.waitForSelector(`[data-testid="hop-details"][data-exchange-id="${first}"]`);
  });

  it('logout in the real DevTools panel: the IdP session survives a full logout and proves itself later', async () => {
    const tab = await chromium!.browser.newPage();
    await tab.goto(`${lab.urls.app}/`);
    const panel = await openDevToolsPanel(tab, chromium!.extensionId);
    await tab.bringToFront();
    await runScenario(5, puppeteerAdapter(tab), lab);
    const flows = await waitForFlows(panel, [
      'federated-login',
      'logout',
      'sso',
      'logout',
      'federated-login',
    ]);
    await openFlow(panel, flows[3]!.id, 'problems');
    expect(await diagnosticIds(panel)).toContain('LOGOUT_INCOMPLETE');
    await openFlow(panel, flows[3]!.id, 'sessions');
    const afterLogout = await tierCards(panel);
    expect(afterLogout.find((c) => c.role === 'authorization-server')?.cookies).toContain(
      '_session:cleared',
    );
    await openFlow(panel, flows[2]!.id, 'sessions');
    expect((await tierCards(panel)).find((c) => c.role === 'authorization-server')?.sso).toBe(
      'true',
    );
    await openFlow(panel, flows[4]!.id, 'sessions');
    expect((await tierCards(panel)).find((c) => c.role === 'identity-provider')?.cookies).toContain(
      '_session:sent',
    );
  });

  it('clearing the authorization server session from its tier card empties it in the browser', async () => {
    const { panel } = await runInChromium(chromium!, lab, 1);
    const [flow] = await waitForFlows(panel, ['interactive-login']);
    await openFlow(panel, flow!.id, 'sessions');
    const asCard = `[data-testid="tier-card"][data-role="authorization-server"]`;
    await panel.waitForSelector(`${asCard} [data-testid="tier-jar"]:not([data-count="0"])`);
    await clickHook(panel, `${asCard} [data-testid="tier-clear"]`);
    await clickHook(panel, `${asCard} [data-testid="tier-clear-confirm"]`);
    await panel.waitForSelector(`${asCard} [data-testid="tier-jar"][data-count="0"]`, {
      timeout: 10_000,
    });
    const left = await chromium!.browser.defaultBrowserContext().cookies();
    expect(
      left.filter((c) => c.domain.startsWith('auth.') && c.name.startsWith('_session')),
    ).toEqual([]);
    expect(left.some((c) => c.name === 'storezero.sid')).toBe(true);
  });

  it.each([
    ['weak-client', ['STATE_MISSING', 'PKCE_MISSING', 'NONCE_MISSING']],
    ['implicit-form-post', ['IMPLICIT_GRANT']],
    ['redirect-uri-mismatch', ['REDIRECT_URI_MISMATCH']],
    ['samesite-none-insecure', ['SAMESITE_NONE_INSECURE']],
  ])('the faulty variant %s shows its problems', async (fault, expected) => {
    const faulty = await startLab({ ports: { app: 0, auth: 0, idp: 0 }, faults: fault });
    extraLabs.push(faulty);
    const { panel } = await runInChromium(chromium!, faulty, 'faulty-login');
    const deadline = Date.now() + 15_000;
    let ids: string[] = [];
    while (Date.now() < deadline) {
      const flows = await panel.$$eval('[data-testid="flow-item"]', (els) =>
        els.map((e) => (e as HTMLElement).dataset['flowId'] ?? ''),
      );
      if (flows[0]) {
        await openFlow(panel, flows[0], 'problems');
        ids = await diagnosticIds(panel);
        if (expected.every((id) => ids.includes(id))) break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(ids).toEqual(expect.arrayContaining(expected));
    if (fault === 'implicit-form-post') {
      const flows = await panel.$$eval('[data-testid="flow-item"]', (els) =>
        els.map((e) => (e as HTMLElement).dataset['flowId'] ?? ''),
      );
      await openFlow(panel, flows[0]!, 'tokens');
      const idToken = (await tokens(panel)).find((t) => t.kind === 'id_token');
      expect(idToken?.claims).toMatchObject({
        iss: faulty.urls.auth,
        aud: 'storezero-legacy',
        sub: 'alice',
      });
    }
  });
});
