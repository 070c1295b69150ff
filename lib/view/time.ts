/** "4m 12s", "3h 5m", "2d 1h": a duration in its two largest units. */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || (name === 's' && parts.length === 0)) parts.push(`${n}${name}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** "expires in 4m 12s" / "expired 3h 5m ago" style wording for a time against `now`. */
export function relativeTime(time: number, now: number, future = 'in', past = 'ago'): string {
  const delta = time - now;
  return delta >= 0 ? `${future} ${formatDuration(delta)}` : `${formatDuration(delta)} ${past}`;
}

/** A claim's time (seconds since the epoch) for people: UTC, local and relative to `now`. */
export function describeClaimTime(
  claim: string,
  seconds: number,
  now: number,
): { utc: string; local: string; relative: string } {
  const ms = seconds * 1000;
  const date = new Date(ms);
  const valid = Number.isFinite(date.getTime());
  const rel =
    claim === 'exp'
      ? ms >= now
        ? `expires in ${formatDuration(ms - now)}`
        : `expired ${formatDuration(now - ms)} ago`
      : relativeTime(ms, now);
  return {
    utc: valid ? date.toISOString() : String(seconds),
    local: valid ? date.toLocaleString() : String(seconds),
    relative: valid ? rel : 'not a time',
  };
}
