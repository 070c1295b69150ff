// Types for http-client.mjs, the browser stand-in used by the unit tests.
export interface Hop {
  method: string;
  url: string;
  status: number;
  location?: string;
  setCookies: string[];
  cookie?: string;
}

export interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  attributes: Record<string, string | true>;
}

export interface PageResult {
  url: string;
  status: number;
  body: string;
  hops: Hop[];
}

export interface HttpClient {
  navigate(
    url: string,
    init?: { method?: string; form?: Record<string, string> },
  ): Promise<PageResult>;
  submit(
    page: { url: string; body: string },
    formId: string | undefined,
    values?: Record<string, string>,
  ): Promise<PageResult>;
  cookies(host: string): Record<string, string>;
  jar(): StoredCookie[];
}

export declare function createHttpClient(): HttpClient;
export declare function readForm(
  html: string,
  id?: string,
): { action: string; method: string; fields: Record<string, string> } | undefined;
