import type { Page as PlaywrightPage } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import type { PageAdapter } from './scenarios.mjs';

export declare function playwrightAdapter(
  page: PlaywrightPage,
  options?: { timeout?: number },
): PageAdapter;
export declare function puppeteerAdapter(
  page: PuppeteerPage,
  options?: { timeout?: number },
): PageAdapter;
