// Reads the panel's flow views through their data-testid hooks (never text or CSS classes).
import type { Frame, Page } from 'puppeteer-core';

type Target = Page | Frame;

export interface ShownFlow {
  id: string;
  kind: string;
  outcome: string;
}

export async function shownFlows(target: Target): Promise<ShownFlow[]> {
  return target.$$eval('[data-testid="flow-item"]', (els) =>
    els.map((el) => {
      const d = (el as HTMLElement).dataset;
      return { id: d['flowId'] ?? '', kind: d['kind'] ?? '', outcome: d['outcome'] ?? '' };
    }),
  );
}

/**
 * The records the panel lists and what its analysis covers: the analysis is current when it
 * covers every listed hop and no newer one is on its way.
 */
async function analysisState(target: Target): Promise<{ current: boolean; records: string }> {
  return target
    .$eval('[data-testid="exchange-count"]', (el) => {
      const d = (el as HTMLElement).dataset;
      return {
        current: d['analyzing'] === 'false' && d['analyzedExchanges'] === d['exchanges'],
        records: `${d['exchanges']}/${d['cookieEvents']}`,
      };
    })
    .catch(() => ({ current: false, records: '' }));
}

/**
 * Waits until the flow list shows `kinds` (in order), with the analysis of every hop listed, and
 * the records have stopped changing for a moment (the last cookie changes of a login may come
 * after its last hop); then returns the flows.
 */
export async function waitForFlows(
  target: Target,
  kinds: string[],
  timeoutMs = 20_000,
): Promise<ShownFlow[]> {
  const deadline = Date.now() + timeoutMs;
  let flows: ShownFlow[] = [];
  let settled = '';
  while (Date.now() < deadline) {
    flows = await shownFlows(target);
    const state = await analysisState(target);
    const ready =
      JSON.stringify(flows.map((f) => f.kind)) === JSON.stringify(kinds) &&
      flows.every((f) => f.outcome !== 'incomplete') &&
      state.current;
    // Ready twice in a row with the same records: nothing arrived in between.
    if (ready && settled === state.records) return flows;
    settled = ready ? state.records : '';
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the panel shows flows ${JSON.stringify(flows)}, not ${JSON.stringify(kinds)}`);
}

/** Clicks a hook with a DOM click (works in a background tab and inside DevTools alike). */
export async function clickHook(target: Target, selector: string): Promise<void> {
  await target.waitForSelector(selector);
  await target.$eval(selector, (el) => (el as HTMLElement).click());
}

export async function openFlow(target: Target, flowId: string, tab: string): Promise<void> {
  await clickHook(target, `[data-testid="flow-item"][data-flow-id="${flowId}"]`);
  await target.waitForSelector(`[data-testid="flow-view"][data-flow-id="${flowId}"]`);
  await clickHook(target, `[data-testid="tab-${tab}"]`);
}

export async function lanes(target: Target): Promise<{ role: string; origin: string }[]> {
  await target.waitForSelector('[data-testid="sequence-diagram"]');
  return target.$$eval('[data-testid="lane"]', (els) =>
    els.map((el) => ({
      role: (el as HTMLElement).dataset['role'] ?? '',
      origin: (el as HTMLElement).dataset['origin'] ?? '',
    })),
  );
}

export async function tierCards(
  target: Target,
): Promise<{ role: string; origin: string; sso: string; cookies: string[] }[]> {
  await target.waitForSelector('[data-testid="sessions-view"]');
  return target.$$eval('[data-testid="tier-card"]', (cards) =>
    cards.map((card) => {
      const d = (card as HTMLElement).dataset;
      return {
        role: d['role'] ?? '',
        origin: d['origin'] ?? '',
        sso: d['ssoProven'] ?? '',
        cookies: [...card.querySelectorAll<HTMLElement>('[data-testid="tier-cookie"]')].map(
          (c) => `${c.dataset['name']}:${c.dataset['change']}`,
        ),
      };
    }),
  );
}

export async function diagnosticIds(target: Target): Promise<string[]> {
  return target.$$eval('[data-testid="diagnostic"]', (els) =>
    els.map((el) => (el as HTMLElement).dataset['id'] ?? ''),
  );
}

export async function tokens(
  target: Target,
): Promise<{ kind: string; claims: Record<string, string> }[]> {
  return target.$$eval('[data-testid="token"]', (els) =>
    els.map((el) => ({
      kind: (el as HTMLElement).dataset['kind'] ?? '',
      claims: Object.fromEntries(
        [...el.querySelectorAll<HTMLElement>('[data-testid="claim"]')].map((c) => [
          c.dataset['name'] ?? '',
          c.querySelector('td')?.firstChild?.textContent ?? '',
        ]),
      ),
    })),
  );
}
