import { AnalyzedRecords } from '@/lib/analysis/analyzed-records';
import { importAny } from '@/lib/io/detect';
import { exportTrace } from '@/lib/io/export';
import type { FileRecords, WorkerRequest, WorkerResponse } from '@/lib/messaging/worker-protocol';

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
/** Hops of a file analysed before its first flows are shown (a few tens of ms). */
const FIRST_SLICE = 1000;
/** The records of the file imported last, until the page has taken them. */
let lastFile: FileRecords | undefined;

function handle(request: WorkerRequest): unknown {
  switch (request.kind) {
    case 'records':
      return records.apply(request.input);
    case 'import': {
      const { bytes, name, now } = request.input;
      const file = importAny(bytes, name);
      // A file that cannot be read changes nothing: the records shown so far stay. A large one
      // shows its first flows at once; the page asks for the rest right after.
      const context = {
        responseBodies: file.responseBodies,
        cookiesVisible: file.source.cookiesVisible,
        live: false,
      };
      const analysis = records.startLarge(
        context,
        file.exchanges,
        file.cookieEvents,
        now,
        FIRST_SLICE,
      );
      const { exchanges, cookieEvents, responseBodies, ...summary } = file;
      lastFile = { exchanges, cookieEvents, responseBodies };
      return { summary, analysis, pending: records.heldCount };
    }
    case 'file-records': {
      const file = lastFile ?? { exchanges: [], cookieEvents: [], responseBodies: {} };
      lastFile = undefined;
      return file;
    }
    case 'export':
      return exportTrace(request.input.input, request.input.options);
  }
}
