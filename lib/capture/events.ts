/**
 * The subset of webRequest event details the assembler reads, typed here so that lib/ does not
 * depend on the browser API. Chrome and Firefox both fit: fields that only one of them sends
 * are optional.
 */

export interface RawHeader {
  name: string;
  value?: string;
  binaryValue?: number[];
}

export interface RawRequestBody {
  error?: string;
  formData?: Record<string, string[] | undefined>;
  raw?: { bytes?: ArrayBuffer; file?: string }[];
}

interface RawBase {
  requestId: string;
  url: string;
  method: string;
  tabId: number;
  frameId: number;
  parentFrameId: number;
  type: string;
  timeStamp: number;
  /** Chrome: the origin that initiated the request. */
  initiator?: string;
  /** Firefox: the URL of the resource that triggered the request. */
  originUrl?: string;
  /** Firefox: the URL of the document the request will be loaded in. */
  documentUrl?: string;
}

export interface RawResponseBase extends RawBase {
  statusCode: number;
  statusLine?: string;
  responseHeaders?: RawHeader[];
  fromCache?: boolean;
  ip?: string;
}

export type WebRequestEvent =
  | { event: 'beforeRequest'; details: RawBase & { requestBody?: RawRequestBody | null } }
  | { event: 'sendHeaders'; details: RawBase & { requestHeaders?: RawHeader[] } }
  | { event: 'headersReceived'; details: RawResponseBase }
  | { event: 'beforeRedirect'; details: RawResponseBase & { redirectUrl: string } }
  | { event: 'responseStarted'; details: RawResponseBase }
  | { event: 'completed'; details: RawResponseBase }
  | {
      event: 'errorOccurred';
      details: RawBase & { error: string; fromCache?: boolean; ip?: string };
    };

export type WebRequestEventName = WebRequestEvent['event'];
