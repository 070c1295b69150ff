import { SessionTracerError } from '@/lib/errors';
import type { WorkerKind, WorkerRequests, WorkerResponse } from '@/lib/messaging/worker-protocol';

/** An error the worker reported, with the name and code of the original. */
export class WorkerTaskError extends SessionTracerError {
  override readonly code: string;
  constructor(name: string, message: string, code?: string) {
    super(message);
    this.name = name;
    this.code = code ?? 'ERR_WORKER';
  }
}

/** Talks to the panel worker: one promise per request. */
export function createWorkerClient(worker: Worker) {
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
    const response = event.data;
    const waiting = pending.get(response.id);
    if (!waiting) return;
    pending.delete(response.id);
    if (response.ok) waiting.resolve(response.result);
    else
      waiting.reject(
        new WorkerTaskError(response.error.name, response.error.message, response.error.code),
      );
  };
  worker.onerror = (event) => {
    for (const waiting of pending.values())
      waiting.reject(new Error(`the worker failed: ${event.message}`));
    pending.clear();
  };
  function run<K extends WorkerKind>(
    kind: K,
    input: WorkerRequests[K]['input'],
    transfer: Transferable[] = [],
  ): Promise<WorkerRequests[K]['result']> {
    const id = next++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, kind, input }, transfer);
    });
  }
  return {
    records: (input: WorkerRequests['records']['input']) => run('records', input),
    /** Hands the file's bytes over to the worker (they are not copied, and unusable here after). */
    importFile: (bytes: Uint8Array, name: string, now: number) =>
      run('import', { bytes, name, now }, [bytes.buffer]),
    fileRecords: () => run('file-records', {}),
    exportTrace: (input: WorkerRequests['export']['input']) => run('export', input),
  };
}

export type WorkerClient = ReturnType<typeof createWorkerClient>;

/** The panel's worker, bundled by Vite from this module's sibling. */
export function startPanelWorker(): WorkerClient {
  return createWorkerClient(
    new Worker(new URL('./panel.worker.ts', import.meta.url), { type: 'module' }),
  );
}
