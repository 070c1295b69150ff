import { analyze } from '@/lib/analysis/analyze';
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

function handle(request: WorkerRequest): unknown {
  switch (request.kind) {
    case 'analyze':
      return analyze(request.input);
    case 'import':
      return importAny(request.input.bytes, request.input.name);
    case 'export':
      return exportTrace(request.input.input, request.input.options);
  }
}
