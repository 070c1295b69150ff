import type { Subscription } from './messaging/protocol';

/**
 * What a panel page follows: the inspected tab inside DevTools; in an ordinary tab, `?tabId=N`
 * or every tab. A malformed tabId is ignored rather than guessed at.
 */
export function panelSubscription(
  inspectedTabId: number | undefined,
  search: string,
): Subscription {
  if (inspectedTabId !== undefined) return { tabId: inspectedTabId };
  const raw = new URLSearchParams(search).get('tabId');
  if (raw !== null && /^\d+$/.test(raw)) return { tabId: Number(raw) };
  return {};
}

/** The theme to show: DevTools' own, else `?theme=`, else the system's. */
export function panelTheme(
  devtoolsThemeName: string | undefined,
  search: string,
  prefersDark: boolean,
): 'light' | 'dark' {
  if (devtoolsThemeName) return devtoolsThemeName === 'dark' ? 'dark' : 'light';
  const param = new URLSearchParams(search).get('theme');
  if (param === 'dark' || param === 'light') return param;
  return prefersDark ? 'dark' : 'light';
}
