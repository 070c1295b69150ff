// Export from the real panel (downloads in Chromium and Firefox), redacted by default, and the
// round trip: the exported trace imported into the viewer shows the same flows.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { puppeteerAdapter } from '../../lab/adapters.mjs';
import { runScenario } from '../../lab/scenarios.mjs';
import { startLab, type Lab } from '../../lab/start.mjs';
import { analyze } from '../../lib/analysis/analyze';
import { importAny } from '../../lib/io/detect';
import { launchChromiumWithExtension } from './support/chromium';
import { launchFirefoxWithExtension } from './support/firefox';
import { clickHook, shownFlows, waitForFlows } from './support/panel-read';

/**
 * The newest finished download with this extension, in the given folder or (Firefox keeps its
 * own default there whatever the profile says) the user's Downloads folder.
 */
async function waitForFile(dir: string, extension: string, timeoutMs = 20_000): Promise<string> {
  const since = Date.now() - 1000;
  const deadline = Date.now() + timeoutMs;
  const dirs = [dir, path.join(homedir(), 'Downloads')].filter((d) => existsSync(d));
  while (Date.now() < deadline) {
    const done = dirs
      .flatMap((d) => readdirSync(d).map((f) => path.join(d, f)))
      .find(
        (f) =>
          f.endsWith(extension) &&
          path.basename(f).startsWith('session-tracer-') &&
          statSync(f).mtimeMs >= since,
      );
    if (done) {
      // Wait for the writer to finish.
      await new Promise((r) => setTimeout(r, 300));
      return done;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no *${extension} download in ${dirs.join(' or ')}`);
}

/** What must not leave the machine: the lab users' passwords and every value the hops carried. */
async function secretsOf(panel: Page, lab: Lab): Promise<string[]> {
  const rows = await panel.$$eval('[data-testid="exchange-row"]', (els) =>
    els.map((e) => (e as HTMLElement).dataset['url'] ?? ''),
  );
  const secrets = new Set<string>([lab.users.auth.password, lab.users.idp.password]);
  for (const url of rows) {
    for (const [name, value] of new URL(url).searchParams) {
      if (
        ['code', 'state', 'nonce', 'code_challenge', 'id_token_hint'].includes(name) &&
        value.length >= 6
      )
        secrets.add(value);
    }
  }
  return [...secrets];
}

/** A trace, minus what differs between browsers and runs: ids, times, tab numbers, ports. */
function comparable(text: string, lab: Lab) {
  const imported = importAny(text, 'trace.json');
  const strip = (url: string) =>
    url
      .replace(lab.urls.app, 'APP')
      .replace(lab.urls.auth, 'AS')
      .replace(lab.urls.idp, 'IDP')
      .replace(/[?#].*$/, '');
  const analysis = analyze({
    exchanges: imported.exchanges,
    cookieEvents: imported.cookieEvents,
    now: 0,
  });
  return {
    hops: imported.exchanges
      .filter((e) => !e.url.endsWith('/favicon.ico'))
      .map(
        (e) =>
          `${e.method} ${e.status} ${strip(e.url)} -> ${strip(e.redirectUrl ?? '')} [${e.responseHeaders
            .filter((h) => /^set-cookie$/i.test(h.name))
            .map((h) => h.value.split('=')[0])
            .join(',')}]`,
      ),
    flows: analysis.flows.map(
      (f) =>
        `${f.kind} ${f.outcome} ${f.tiers.map((t) => `${t.role}:${t.sessionCookies.map((c) => `${c.name}=${c.change}`).join('+')}`).join(' ')}`,
    ),
  };
}

describe('export', () => {
  let cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    cleanup = [];
  });

  async function recordIn(browserName: 'chromium' | 'firefox', scenario: number) {
    const lab = await startLab({ ports: { app: 0, auth: 0, idp: 0 } });
    cleanup.push(() => lab.close());
    const downloads = mkdtempSync(path.join(tmpdir(), `downloads-${browserName}-`));
    const ext =
      browserName === 'chromium'
        ? await launchChromiumWithExtension({ downloadPath: downloads })
        : // Firefox saves to the user's Downloads folder, which waitForFile watches too.
          await launchFirefoxWithExtension();
    cleanup.push(() => ext.close());
    const panel = await ext.openPanelPage();
    await panel.setViewport({ width: 1400, height: 3000 });
    const tab = await ext.browser.newPage();
    await tab.bringToFront();
    await runScenario(scenario, puppeteerAdapter(tab), lab);
    return { lab, ext, panel, downloads };
  }

  it('Chromium: every format downloads, redacted, and the trace imports back into the same flows', async () => {
    const { lab, ext, panel, downloads } = await recordIn('chromium', 2);
    const flows = await waitForFlows(panel, ['federated-login']);
    const secrets = await secretsOf(panel, lab);
    expect(secrets.length).toBeGreaterThan(4);
    await panel.bringToFront();
    const files: Record<string, string> = {};
    for (const [format, extension] of [
      ['json', '.json'],
      ['har', '.har'],
      ['md', '.md'],
      ['mermaid', '.mmd'],
    ] as const) {
      await clickHook(panel, `[data-testid="export-${format}"]`);
      files[format] = readFileSync(await waitForFile(downloads, extension), 'utf8');
    }
    for (const [format, text] of Object.entries(files)) {
      for (const secret of secrets)
        expect(text.includes(secret), `${format} leaks ${secret.slice(0, 12)}…`).toBe(false);
    }
    expect(files['md']).toMatch(/federated-login/);
    expect(files['mermaid']).toMatch(/^sequenceDiagram/m);
    expect(JSON.parse(files['har']!).log.version).toBe('1.2');

    // The round trip in the viewer: the same flows as the live panel showed.
    const viewer = await ext.browser.newPage();
    await viewer.goto(`chrome-extension://${ext.extensionId}/viewer.html`);
    const input = await viewer.waitForSelector('[data-testid="import"]');
    await (input as unknown as { uploadFile(f: string): Promise<void> }).uploadFile(
      path.join(
        downloads,
        readdirSync(downloads).find((f) => f.endsWith('.json'))!,
      ),
    );
    const back = await waitForFlows(
      viewer,
      flows.map((f) => f.kind),
    );
    expect(back.map((f) => [f.kind, f.outcome])).toEqual(flows.map((f) => [f.kind, f.outcome]));
    expect((await shownFlows(viewer)).length).toBe(1);
  });

  it('Firefox exports the same trace as Chromium for the same scenario (up to times and ids)', async () => {
    const traces: ReturnType<typeof comparable>[] = [];
    for (const name of ['chromium', 'firefox'] as const) {
      const { lab, panel, downloads } = await recordIn(name, 1);
      await waitForFlows(panel, ['interactive-login']);
      await panel.select('[data-testid="export-redaction"]', 'removed');
      await clickHook(panel, '[data-testid="export-json"]');
      traces.push(comparable(readFileSync(await waitForFile(downloads, '.json'), 'utf8'), lab));
      for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
    }
    expect(traces[1]).toEqual(traces[0]);
    expect(traces[0]?.flows).toEqual([expect.stringMatching(/^interactive-login success/)]);
  });
});
