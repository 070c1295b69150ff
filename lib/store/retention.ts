/** How much the recording keeps. Defaults a user would accept: a week, 200,000 hops. */
export interface RetentionPolicy {
  maxExchanges: number;
  maxCookieEvents: number;
  maxAgeMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  maxExchanges: 200_000,
  maxCookieEvents: 200_000,
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
};

/** Records older than this time are dropped. */
export function ageCutoff(now: number, policy: RetentionPolicy): number {
  return now - policy.maxAgeMs;
}

/** How many of the oldest records to drop so that `count` fits under `max`. */
export function overflow(count: number, max: number): number {
  return Math.max(0, count - max);
}
