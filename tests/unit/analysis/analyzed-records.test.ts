// The worker's records: whatever order and batches they arrive in, the analysis equals analyze()
// of the records as the panel lists them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '@/lib/analysis/analyze';
import { AnalyzedRecords, byStart, mergeById } from '@/lib/analysis/analyzed-records';
import { importAny } from '@/lib/io/detect';
import type { CookieEvent, Exchange } from '@/lib/model';
import { jarEvents } from '../../../bench/live';

function lab(name: string): { exchanges: Exchange[]; cookieEvents: CookieEvent[] } {
  const file = importAny(readFileSync(`tests/fixtures/lab/${name}.har`, 'utf8'), `${name}.har`);
  return { exchanges: file.exchanges, cookieEvents: jarEvents(file.exchanges) };
}

/** What the panel would analyse: every record by id, last version wins, in the panel's order. */
function reference(exchanges: Exchange[], cookieEvents: CookieEvent[], live: boolean) {
  const byId = new Map<string, Exchange>();
  for (const e of exchanges) byId.set(e.id, e);
  const events = new Map<string, CookieEvent>();
  for (const c of cookieEvents) events.set(c.id, c);
  const sortedEvents = [...events.values()].sort((a, b) => a.time - b.time);
  return analyze({
    exchanges: [...byId.values()].sort(byStart),
    cookieEvents: sortedEvents,
    now: 5,
    responseBodies: {},
    cookiesVisible: true,
    cookieJarVisible: live || sortedEvents.length > 0,
  });
}

const context = { responseBodies: {}, cookiesVisible: true, live: true };

describe('AnalyzedRecords', () => {
  it('batch by batch, in time order, equals analyze() after every batch', () => {
    const { exchanges, cookieEvents } = lab('logout');
    const records = new AnalyzedRecords();
    records.apply({ reset: context, exchanges: [], cookieEvents: [], now: 5 });
    for (let i = 0; i < exchanges.length; i += 4) {
      const batch = exchanges.slice(i, i + 4);
      const until = batch[batch.length - 1]!.startedAt;
      const seen = exchanges.slice(0, i + 4);
      const events = cookieEvents.filter(
        (c) => c.time <= until && c.time > (exchanges[i - 1]?.startedAt ?? -Infinity),
      );
      const result = records.apply({ exchanges: batch, cookieEvents: events, now: 5 });
      const eventsSoFar = cookieEvents.filter((c) => c.time <= until);
      expect(result).toEqual(reference(seen, eventsSoFar, true));
    }
    expect(records.exchangeCount).toBe(exchanges.length);
  });

  it('out of order, repeated and replaced records give the same as the panel order', () => {
    const { exchanges, cookieEvents } = lab('federated-login');
    const shuffled = [...exchanges].reverse();
    const records = new AnalyzedRecords();
    const sent: Exchange[] = [];
    for (let i = 0; i < shuffled.length; i += 3) {
      const batch = shuffled.slice(i, i + 3);
      // A restarted background sends its snapshot again: the same ids, new objects.
      const again = sent.slice(0, 2).map((e) => ({ ...e }));
      sent.push(...batch);
      const result = records.apply({ exchanges: [...again, ...batch], cookieEvents: [], now: 5 });
      expect(result).toEqual(reference([...sent], [], true));
    }
    const withJar = records.apply({ exchanges: [], cookieEvents, now: 5 });
    expect(withJar).toEqual(reference(sent, cookieEvents, true));
    expect(withJar.flows.length).toBeGreaterThan(0);
  });

  it('a reset starts a new set with its own context (a file after the recording)', () => {
    const first = lab('password-login');
    const second = lab('sso');
    const records = new AnalyzedRecords();
    records.apply({ reset: context, exchanges: first.exchanges, cookieEvents: [], now: 5 });
    const file = records.apply({
      reset: { responseBodies: {}, cookiesVisible: true, live: false },
      exchanges: second.exchanges,
      cookieEvents: [],
      now: 5,
    });
    expect(file).toEqual(reference(second.exchanges, [], false));
    expect(file.source.cookieJarVisible).toBe(false);
    expect(records.exchangeCount).toBe(second.exchanges.length);
  });
});

describe('AnalyzedRecords.startLarge', () => {
  it('shows the first flows of a file at once, then the whole file equals analyze()', () => {
    const parts = ['password-login', 'sso', 'logout'].map(lab);
    // One file: the three recordings one after another.
    const exchanges = parts.flatMap((p) => p.exchanges);
    const cookieEvents = parts.flatMap((p) => p.cookieEvents);
    const file = { responseBodies: {}, cookiesVisible: true, live: false };
    const records = new AnalyzedRecords();
    const slice = parts[0]!.exchanges.length;
    const first = records.startLarge(file, [...exchanges].reverse(), cookieEvents, 5, slice);
    expect(records.heldCount).toBe(exchanges.length - slice);
    expect(first.source.exchanges).toBe(slice);
    const whole = records.apply({ exchanges: [], cookieEvents: [], now: 5 });
    expect(records.heldCount).toBe(0);
    expect(whole).toEqual(reference(exchanges, cookieEvents, false));
    // The first flows shown are the file's first flows.
    expect(first.flows.length).toBeGreaterThan(0);
    expect(first.flows.map((f) => f.exchangeIds[0])).toEqual(
      whole.flows.slice(0, first.flows.length).map((f) => f.exchangeIds[0]),
    );
  });

  it('a small file is analysed whole', () => {
    const { exchanges, cookieEvents } = lab('sso');
    const records = new AnalyzedRecords();
    const file = { responseBodies: {}, cookiesVisible: true, live: false };
    const result = records.startLarge(file, exchanges, cookieEvents, 5, 10_000);
    expect(records.heldCount).toBe(0);
    expect(result).toEqual(reference(exchanges, cookieEvents, false));
  });
});

describe('mergeById', () => {
  it('gives the order a full stable sort of the records by id would give, batch after batch', () => {
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const byId = new Map<string, { id: string; t: number }>();
    const reference = new Map<string, { id: string; t: number }>();
    let sorted: { id: string; t: number }[] = [];
    const compare = (a: { t: number }, b: { t: number }) => a.t - b.t;
    let appended = 0;
    for (let batch = 0; batch < 200; batch++) {
      const added = Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
        // Mostly later records; now and then an earlier one, a repeated id or an equal time.
        const late = random() < 0.85;
        const t = late ? batch * 10 + Math.floor(random() * 10) : Math.floor(random() * batch * 10);
        const id =
          random() < 0.05 && reference.size > 0
            ? `r${Math.floor(random() * reference.size)}`
            : `r${reference.size + Math.floor(random() * 1e6)}`;
        return { id, t };
      });
      const before = sorted;
      sorted = mergeById(byId, sorted, added, (r) => r.id, compare);
      if (sorted.length === before.length + added.length && sorted[0] === before[0]) appended += 1;
      for (const r of added) reference.set(r.id, r);
      expect(sorted).toEqual([...reference.values()].sort(compare));
    }
    expect(appended).toBeGreaterThan(50);
  });
});
