import { describe, expect, it } from 'vitest';
import { panelSubscription, panelTheme } from '@/lib/panel-scope';
import { webRequestListeners } from '@/lib/capture/browser-events';

describe('panel scope', () => {
  it.each([
    [42, '', { tabId: 42 }],
    [42, '?tabId=7', { tabId: 42 }],
    [undefined, '?tabId=7', { tabId: 7 }],
    [undefined, '?tabId=7abc', {}],
    [undefined, '?tabId=<script>', {}],
    [undefined, '', {}],
  ])('inspected tab %s with %s follows %j', (inspected, search, expected) => {
    expect(panelSubscription(inspected, search)).toEqual(expected);
  });

  it.each([
    ['dark', '', false, 'dark'],
    ['default', '?theme=dark', true, 'light'],
    [undefined, '?theme=dark', false, 'dark'],
    [undefined, '', true, 'dark'],
    [undefined, '?theme=neon', false, 'light'],
  ] as const)('theme from DevTools %s, %s, system dark %s: %s', (name, search, dark, expected) => {
    expect(panelTheme(name, search, dark)).toBe(expected);
  });
});

describe('webRequest listeners', () => {
  it("asks Chrome for 'extraHeaders' wherever cookies travel, and never asks Firefox", () => {
    const chrome = webRequestListeners('chrome');
    const firefox = webRequestListeners('firefox');
    expect(chrome.find((l) => l.api === 'onSendHeaders')?.extraInfoSpec).toContain('extraHeaders');
    expect(chrome.find((l) => l.api === 'onBeforeRedirect')?.extraInfoSpec).toContain(
      'extraHeaders',
    );
    expect(firefox.flatMap((l) => l.extraInfoSpec)).not.toContain('extraHeaders');
    expect(firefox.map((l) => l.event)).toEqual(chrome.map((l) => l.event));
    expect(chrome.find((l) => l.api === 'onBeforeRequest')?.extraInfoSpec).toEqual(['requestBody']);
  });

  it('listens to each stage of a response once (every extraHeaders listener costs Chrome work)', () => {
    const withHeaders = webRequestListeners('chrome').filter((l) =>
      l.extraInfoSpec.includes('responseHeaders'),
    );
    expect(withHeaders.map((l) => l.api)).toEqual([
      'onHeadersReceived',
      'onBeforeRedirect',
      'onCompleted',
    ]);
  });
});
