import type { WebRequestEventName } from './events';

/**
 * Which webRequest events to listen to and which extra details each needs. Chrome shows Cookie,
 * Set-Cookie and Referer only to listeners registered with 'extraHeaders'; Firefox rejects that
 * option and shows them anyway. Each listener with 'extraHeaders' costs the browser work on every
 * request, so no stage is listened to twice: onResponseStarted is left out, as onCompleted
 * carries the same status, headers, cache and address (onHeadersReceived stays for the hops that
 * fail after their headers came).
 */
export function webRequestListeners(
  browserName: 'chrome' | 'firefox',
): { event: WebRequestEventName; api: string; extraInfoSpec: string[] }[] {
  const extra = browserName === 'firefox' ? [] : ['extraHeaders'];
  return [
    { event: 'beforeRequest', api: 'onBeforeRequest', extraInfoSpec: ['requestBody'] },
    { event: 'sendHeaders', api: 'onSendHeaders', extraInfoSpec: ['requestHeaders', ...extra] },
    {
      event: 'headersReceived',
      api: 'onHeadersReceived',
      extraInfoSpec: ['responseHeaders', ...extra],
    },
    {
      event: 'beforeRedirect',
      api: 'onBeforeRedirect',
      extraInfoSpec: ['responseHeaders', ...extra],
    },
    { event: 'completed', api: 'onCompleted', extraInfoSpec: ['responseHeaders', ...extra] },
    { event: 'errorOccurred', api: 'onErrorOccurred', extraInfoSpec: [] },
  ];
}
