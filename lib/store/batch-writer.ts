export interface BatchWriterOptions<T> {
  /** Writes one batch; a rejected write is reported and its items kept for the next try. */
  write: (items: T[]) => Promise<void>;
  /** How long an item may wait before its batch is written. */
  delayMs?: number;
  /** A batch this large is written at once. */
  maxBatch?: number;
  onError?: (error: unknown) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
}

/**
 * Collects items and writes them in small batches: soon enough that a worker stopped between two
 * hops loses nothing, seldom enough that a busy page does not cost one transaction per request.
 * Writes are serialised, so batches land in the order they were added.
 */
export class BatchWriter<T> {
  readonly #options: Required<Omit<BatchWriterOptions<T>, 'onError'>> &
    Pick<BatchWriterOptions<T>, 'onError'>;
  #queue: T[] = [];
  #timerArmed = false;
  #chain: Promise<void> = Promise.resolve();

  constructor(options: BatchWriterOptions<T>) {
    this.#options = {
      delayMs: 50,
      maxBatch: 100,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      ...options,
    };
  }

  add(...items: T[]): void {
    this.#queue.push(...items);
    if (this.#queue.length >= this.#options.maxBatch) {
      void this.flush();
    } else if (!this.#timerArmed) {
      this.#timerArmed = true;
      this.#options.setTimer(() => {
        this.#timerArmed = false;
        void this.flush();
      }, this.#options.delayMs);
    }
  }

  /** Writes everything queued so far; resolves once it is stored (or the write failed). */
  flush(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return this.#chain;
    this.#chain = this.#chain.then(async () => {
      try {
        await this.#options.write(batch);
      } catch (error) {
        this.#queue.unshift(...batch);
        this.#options.onError?.(error);
      }
    });
    return this.#chain;
  }

  get queued(): number {
    return this.#queue.length;
  }
}
