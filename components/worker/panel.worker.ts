import { AnalyzedRecords } from '@/lib/analysis/analyzed-records';
import { importAny } from '@/lib/io/detect';
import { exportTrace } from '@/lib/io/export';
import type { WorkerRequest, WorkerResponse } from '@/lib/messaging/worker-protocol';

// The panel's worker: analysis and file import run here, off the page's thread.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse): void;
};

scope.onmessage = (event) => {
  const request = event.data;
  try {
    const result = handle(request);
    scope.postMessage({ id: request.id, ok: true, result });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const code = (error as { code?: unknown }).code;
    scope.postMessage({
      id: request.id,
      ok: false,
      error: { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) },
    });
  }
};

// The records of the view, analysed incrementally: each update costs what it adds.
const records = new AnalyzedRecords();

function handle(request: WorkerRequest): unknown {
  switch (request.kind) {
    case 'records':
      return records.apply(request.input);
    case 'import': {
      const { bytes, name, now } = request.input;
      const file = importAny(bytes, name);
      // A file that cannot be read changes nothing: the records shown so far stay.
      const analysis = records.apply({
        reset: {
          responseBodies: file.responseBodies,
          cookiesVisible: file.source.cookiesVisible,
          live: false,
        },
        exchanges: file.exchanges,
        cookieEvents: file.cookieEvents,
        now,
      });
      return { file, analysis };
    }
    case 'export':
      return exportTrace(request.input.input, request.input.options);
  }
}
