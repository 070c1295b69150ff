import type { CookieChangeCause, CookieEvent, CookieSameSite, JarCookie } from '../model';

/** cookies.onChanged details, typed here so lib/ does not depend on the browser API. */
export interface RawCookieChange {
  removed: boolean;
  cause: string;
  cookie: {
    name: string;
    value: string;
    domain: string;
    path: string;
    secure: boolean;
    httpOnly: boolean;
    sameSite?: string;
    hostOnly: boolean;
    session: boolean;
    expirationDate?: number;
    storeId?: string;
    partitionKey?: unknown;
    firstPartyDomain?: string;
  };
}

const CAUSES: readonly CookieChangeCause[] = [
  'explicit',
  'overwrite',
  'expired',
  'expired_overwrite',
  'evicted',
];
const SAME_SITES: readonly CookieSameSite[] = ['no_restriction', 'lax', 'strict', 'unspecified'];

/**
 * Converts one cookies.onChanged notification into a CookieEvent. Chrome and Firefox use the same
 * vocabulary; an unknown cause or SameSite value (a newer browser) is kept as the nearest known one.
 */
export function toCookieEvent(change: RawCookieChange, time: number, id: string): CookieEvent {
  const c = change.cookie;
  const cookie: JarCookie = {
    name: c.name,
    value: c.value,
    domain: c.domain,
    path: c.path,
    secure: c.secure,
    httpOnly: c.httpOnly,
    sameSite: SAME_SITES.find((s) => s === c.sameSite) ?? 'unspecified',
    hostOnly: c.hostOnly,
    session: c.session,
  };
  if (c.expirationDate !== undefined) cookie.expirationDate = c.expirationDate;
  if (c.storeId !== undefined) cookie.storeId = c.storeId;
  if (c.partitionKey !== undefined) cookie.partitionKey = c.partitionKey;
  return {
    id,
    time,
    removed: change.removed,
    cause: CAUSES.find((k) => k === change.cause) ?? 'explicit',
    cookie,
  };
}
