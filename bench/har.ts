// Large HARs for the benchmarks, built by replaying the lab's recorded fixtures
// (tests/fixtures/lab/*.har) one after another, as if one person had run the lab's scenarios
// over and over in one browser for a day.
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export const FIXTURE_DIR = path.resolve('tests/fixtures/lab');

interface HarEntry {
  startedDateTime: string;
  pageref?: string;
  request: { url: string; headers: { name: string; value: string }[] };
  response: {
    headers: { name: string; value: string }[];
    cookies?: { expires?: string | null }[];
  };
}

interface Fixture {
  name: string;
  /** The entries as compact JSON, each a template for every copy. */
  entries: string[];
  /** ms from the fixture's first entry to its last. */
  span: number;
  start: number;
  /** The state / RelayState values of the fixture (made unique per copy). */
  states: string[];
  pages: unknown[];
  flowsPerCopy?: number;
}

export interface ReplayOptions {
  /** Exchanges to write. */
  count: number;
  /** The fixture files, all *.har of tests/fixtures/lab by default. */
  fixtures?: readonly string[];
  /** Seed of the pauses between two copies (deterministic output). */
  seed?: number;
}

export interface ReplayStats {
  exchanges: number;
  /** Whole copies of fixtures (the last one may be cut short). */
  copies: number;
  bytes: number;
  /** Time from the first entry to the last, in ms. */
  spanMs: number;
  fixtures: string[];
}

/** The lab's recorded HARs (every *.har of the fixture folder), sorted by name. */
export function labFixtures(dir = FIXTURE_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.har'))
    .sort()
    .map((f) => path.join(dir, f));
}

function loadFixture(file: string): Fixture {
  const har = JSON.parse(readFileSync(file, 'utf8')) as {
    log: { entries: HarEntry[]; pages?: unknown[] };
  };
  const entries = har.log.entries;
  const times = entries.map((e) => Date.parse(e.startedDateTime));
  const text = JSON.stringify(entries);
  const states = new Set<string>();
  for (const m of text.matchAll(/[?&](?:state|RelayState)=([A-Za-z0-9_.~-]{8,})/g))
    if (m[1]) states.add(m[1]);
  return {
    name: path.basename(file, '.har'),
    entries: entries.map((e) => JSON.stringify(e)),
    start: Math.min(...times),
    span: Math.max(...times) - Math.min(...times),
    states: [...states],
    pages: har.log.pages ?? [],
  };
}

/** A small deterministic PRNG (mulberry32), so every run writes the same file. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const shiftDate = (value: string, delta: number): string => {
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t + delta).toISOString() : value;
};

/**
 * Entry texts of the replay, in time order: the fixtures in turn (password login, federated
 * login, SSO, silent auth, logout and the faulty variants), each copy 20-60 s after the previous
 * one ended. In every copy the times move (startedDateTime and the Expires of each Set-Cookie,
 * so a session cookie is not read as already expired) and each state / RelayState gets a
 * per-copy suffix (a state must be fresh per request, and the analysis flags reuse). The
 * response Date headers keep their recorded time: the ID tokens' iat and exp are signed and
 * cannot move, and the token rules judge them against the Date header. Codes, tokens, cookie
 * values and interaction ids repeat from copy to copy.
 */
export function* replayEntries(
  options: ReplayOptions,
): Generator<{ text: string; copy: number; at: number; fixture: string }> {
  const fixtures = (options.fixtures ?? labFixtures()).map(loadFixture);
  const next = random(options.seed ?? 1);
  let written = 0;
  let at = Date.parse('2026-12-01T08:00:00.000Z');
  for (let copy = 0; written < options.count; copy++) {
    const fixture = fixtures[copy % fixtures.length] as Fixture;
    const delta = at - fixture.start;
    for (const template of fixture.entries) {
      if (written >= options.count) return;
      let text = template;
      for (const state of fixture.states) text = text.split(state).join(`${state}-r${copy}`);
      const entry = JSON.parse(text) as HarEntry;
      entry.startedDateTime = shiftDate(entry.startedDateTime, delta);
      for (const h of entry.response.headers) {
        if (h.name.toLowerCase() !== 'set-cookie') continue;
        h.value = h.value.replace(/(;\s*expires=)([^;]+)/i, (_, key: string, date: string) => {
          const t = Date.parse(date);
          return Number.isFinite(t) ? key + new Date(t + delta).toUTCString() : key + date;
        });
      }
      for (const c of entry.response.cookies ?? [])
        if (typeof c.expires === 'string') c.expires = shiftDate(c.expires, delta);
      written += 1;
      yield {
        text: JSON.stringify(entry),
        copy,
        at: Date.parse(entry.startedDateTime),
        fixture: fixture.name,
      };
    }
    at += fixture.span + 20_000 + Math.round(next() * 40_000);
  }
}

function head(fixtures: readonly string[]): string {
  const pages = new Map<string, unknown>();
  for (const f of fixtures.map(loadFixture))
    for (const p of f.pages) {
      const id = (p as { id?: string }).id;
      if (id && !pages.has(id)) pages.set(id, p);
    }
  return (
    '{"log":{"version":"1.2","creator":{"name":"session-tracer bench replay","version":"1"},' +
    `"pages":${JSON.stringify([...pages.values()])},"entries":[`
  );
}

/** Writes the replay HAR to `file` entry by entry (files of hundreds of MB stay cheap). */
export function writeReplayHar(file: string, options: ReplayOptions): ReplayStats {
  const fixtures = options.fixtures ?? labFixtures();
  const fd = openSync(file, 'w');
  const stats: ReplayStats = {
    exchanges: 0,
    copies: 0,
    bytes: 0,
    spanMs: 0,
    fixtures: fixtures.map((f) => path.basename(f)),
  };
  let first: number | undefined;
  let pending = '';
  const write = (s: string) => {
    pending += s;
    if (pending.length > 1 << 20) {
      stats.bytes += writeSync(fd, pending);
      pending = '';
    }
  };
  try {
    write(head(fixtures));
    for (const { text, copy, at } of replayEntries({ ...options, fixtures })) {
      write(stats.exchanges === 0 ? text : `,${text}`);
      stats.exchanges += 1;
      stats.copies = copy + 1;
      first ??= at;
      stats.spanMs = at - first;
    }
    write(']}}');
    stats.bytes += writeSync(fd, pending);
  } finally {
    closeSync(fd);
  }
  return stats;
}

/** The replay HAR as text (small sizes: tests, the smoke run). */
export function replayHarText(options: ReplayOptions): string {
  const fixtures = options.fixtures ?? labFixtures();
  const texts = [...replayEntries({ ...options, fixtures })].map((e) => e.text);
  return `${head(fixtures)}${texts.join(',')}]}}`;
}
