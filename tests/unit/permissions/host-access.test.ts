import { describe, expect, it } from 'vitest';
import {
  coversAllSites,
  describePattern,
  hostAccessControl,
  isCaptured,
  patternFromInput,
  patternMatchesUrl,
  sitePatternFor,
  uncapturedSites,
} from '@/lib/permissions/host-access';
import { makeExchange } from '../../helpers/factories';

describe('host access: patterns', () => {
  it.each([
    [['<all_urls>'], true],
    [['*://*/*'], true],
    [['http://*/*', 'https://*/*'], true],
    [['https://*/*'], false],
    [['http://app.localhost/*'], false],
    [[], false],
  ])('%j covers every site: %s', (granted, expected) => {
    expect(coversAllSites(granted)).toBe(expected);
  });

  it.each([
    ['<all_urls>', 'https://idp.example.com/login', true],
    ['<all_urls>', 'chrome-extension://abc/panel.html', false],
    ['http://app.localhost/*', 'http://app.localhost:3000/start?x=1', true],
    ['http://app.localhost/*', 'https://app.localhost/start', false],
    ['http://app.localhost/*', 'http://auth.localhost:3001/authorize', false],
    ['http://app.localhost/only/this/path', 'http://app.localhost/other', true],
    ['*://auth.example.com/*', 'https://auth.example.com/a', true],
    ['*://auth.example.com/*', 'http://auth.example.com/a', true],
    ['*://auth.example.com/*', 'ftp://auth.example.com/a', false],
    ['https://*.example.com/*', 'https://example.com/', true],
    ['https://*.example.com/*', 'https://login.eu.example.com/', true],
    ['https://*.example.com/*', 'https://badexample.com/', false],
    ['https://*/*', 'https://anything.test/', true],
    ['http://localhost:3000/*', 'http://localhost:3000/a', true],
    ['http://localhost:3000/*', 'http://localhost:3001/a', false],
    ['https://AUTH.example.com/*', 'https://auth.example.com/', true],
    ['not a pattern', 'https://auth.example.com/', false],
    ['https://auth.example.com/*', 'not a url', false],
  ])('%s covers %s: %s', (pattern, url, expected) => {
    expect(patternMatchesUrl(pattern, url)).toBe(expected);
  });

  it('a URL is captured when any granted pattern covers it', () => {
    const granted = ['http://app.localhost/*', 'https://*.idp.test/*'];
    expect(isCaptured(granted, 'https://login.idp.test/x')).toBe(true);
    expect(isCaptured(granted, 'http://auth.localhost/x')).toBe(false);
    expect(isCaptured([], 'http://app.localhost/x')).toBe(false);
  });

  it.each([
    ['http://app.localhost:3000/start?x=1#f', 'http://app.localhost/*'],
    ['https://auth.example.com/authorize', 'https://auth.example.com/*'],
    ['wss://push.example.com/socket', 'https://push.example.com/*'],
    ['data:text/html,hi', undefined],
    ['chrome-extension://abc/x.html', undefined],
    ['null', undefined],
  ])('the site pattern of %s is %s', (url, expected) => {
    expect(sitePatternFor(url)).toBe(expected);
  });

  it.each([
    ['auth.example.com', '*://auth.example.com/*'],
    ['  Login.Example.com/ ', '*://login.example.com/*'],
    ['app.localhost:3000', '*://app.localhost/*'],
    ['https://login.example.com/authorize?x=1', 'https://login.example.com/*'],
    ['http://app.localhost:3000', 'http://app.localhost/*'],
    ['', undefined],
    ['not a host', undefined],
    ['javascript://alert(1)', undefined],
    ['*.example.com', undefined],
  ])('typed %j asks for %s', (input, expected) => {
    expect(patternFromInput(input)).toBe(expected);
  });

  it.each([
    ['<all_urls>', 'all sites'],
    ['*://*/*', 'all sites'],
    ['http://app.localhost/*', 'http://app.localhost'],
    ['*://auth.example.com/*', 'auth.example.com'],
    ['https://*.example.com/*', 'https://*.example.com'],
    ['http://localhost:3000/*', 'http://localhost:3000'],
    ['https://*/*', 'https://any host'],
  ])('%s reads as %s', (pattern, expected) => {
    expect(describePattern(pattern)).toBe(expected);
  });
});

describe('host access: what a recording did not capture', () => {
  // The app is granted; the login goes through auth and idp, which are not.
  const start = makeExchange({
    url: 'http://app.localhost:3000/start',
    status: 302,
    redirectUrl: 'http://auth.localhost:3001/authorize?client=app',
  });
  const callback = makeExchange({
    url: 'http://app.localhost:3000/callback?code=xyz',
    status: 302,
    redirectUrl: 'http://app.localhost:3000/home',
    initiator: 'http://idp.localhost:3002',
    requestHeaders: [
      { name: 'Referer', value: 'http://idp.localhost:3002/login' },
      { name: 'Origin', value: 'null' },
    ],
  });
  const home = makeExchange({ url: 'http://app.localhost:3000/home', status: 200 });

  it('names each ungranted site the captured hops point at, how, and the pattern to ask for', () => {
    const sites = uncapturedSites(['http://app.localhost/*'], [start, callback, home]);
    expect(sites).toEqual([
      {
        site: 'http://auth.localhost',
        pattern: 'http://auth.localhost/*',
        seenAs: ['redirect-target'],
        example: 'http://auth.localhost:3001/authorize?client=app',
        exchangeId: start.id,
      },
      {
        site: 'http://idp.localhost',
        pattern: 'http://idp.localhost/*',
        seenAs: ['initiator', 'referer'],
        example: 'http://idp.localhost:3002',
        exchangeId: callback.id,
      },
    ]);
  });

  it('says nothing is missing when every site is granted, or when the granted sites cover them', () => {
    expect(uncapturedSites(['<all_urls>'], [start, callback, home])).toEqual([]);
    expect(
      uncapturedSites(['*://*.localhost/*'], [start, callback, home]).map((s) => s.site),
    ).toEqual([]);
  });

  it('ignores references that are not web sites (the extension itself, data: URLs, "null")', () => {
    const own = makeExchange({
      url: 'http://app.localhost/x',
      initiator: 'chrome-extension://abcdef',
      documentUrl: 'data:text/html,hi',
      requestHeaders: [{ name: 'Referer', value: 'about:blank' }],
    });
    expect(uncapturedSites(['http://app.localhost/*'], [own])).toEqual([]);
  });

  it('with nothing granted and nothing recorded there is nothing to name', () => {
    expect(uncapturedSites([], [])).toEqual([]);
  });
});

describe('host access: who controls it', () => {
  it.each([
    [{ host_permissions: ['<all_urls>'] }, 'browser'],
    [{ permissions: ['webRequest', '<all_urls>'] }, 'browser'],
    [{ optional_host_permissions: ['<all_urls>'] }, 'extension'],
    [{ permissions: ['webRequest'], optional_permissions: ['<all_urls>'] }, 'extension'],
    [{ host_permissions: ['<all_urls>'], optional_host_permissions: ['<all_urls>'] }, 'browser'],
    [{}, 'browser'],
  ] as const)('%j: %s', (manifest, expected) => {
    expect(hostAccessControl(manifest)).toBe(expected);
  });
});
