import { describe, expect, it } from 'vitest';
import { BatchWriter } from '@/lib/store/batch-writer';

/** A timer we fire by hand. */
function manualTimer() {
  const pending: (() => void)[] = [];
  return {
    setTimer: (fn: () => void) => void pending.push(fn),
    fire: () => pending.splice(0).forEach((fn) => fn()),
    get armed() {
      return pending.length;
    },
  };
}

describe('BatchWriter', () => {
  it('writes items together after the delay, in order', async () => {
    const timer = manualTimer();
    const written: number[][] = [];
    const writer = new BatchWriter<number>({
      write: async (b) => void written.push(b),
      setTimer: timer.setTimer,
    });
    writer.add(1);
    writer.add(2, 3);
    expect(timer.armed).toBe(1);
    expect(written).toEqual([]);
    timer.fire();
    await writer.flush();
    expect(written).toEqual([[1, 2, 3]]);
  });

  it('writes at once when a batch is full', async () => {
    const timer = manualTimer();
    const written: number[][] = [];
    const writer = new BatchWriter<number>({
      write: async (b) => void written.push(b),
      maxBatch: 2,
      setTimer: timer.setTimer,
    });
    writer.add(1, 2);
    await writer.flush();
    expect(written).toEqual([[1, 2]]);
  });

  it('keeps the items of a failed write for the next one and reports the error', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const written: number[][] = [];
    const writer = new BatchWriter<number>({
      write: async (b) => {
        if (fail) throw new Error('QuotaExceededError');
        written.push(b);
      },
      onError: (e) => errors.push(e),
      setTimer: () => undefined,
    });
    writer.add(1);
    await writer.flush();
    expect(errors).toHaveLength(1);
    expect(writer.queued).toBe(1);
    fail = false;
    writer.add(2);
    await writer.flush();
    expect(written).toEqual([[1, 2]]);
  });

  it('serialises writes so batches land in the order they were added', async () => {
    const landed: number[] = [];
    const writer = new BatchWriter<number>({
      write: (b) =>
        new Promise((resolve) =>
          setTimeout(() => (landed.push(...b), resolve()), b[0] === 1 ? 20 : 0),
        ),
      setTimer: () => undefined,
    });
    writer.add(1);
    const first = writer.flush();
    writer.add(2);
    await Promise.all([first, writer.flush()]);
    expect(landed).toEqual([1, 2]);
  });
});
