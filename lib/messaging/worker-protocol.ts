import type { RecordsUpdate } from '../analysis/analyzed-records';
import type { Analysis } from '../analysis/types';
import type { ExportInput, ExportOptions, ExportResult } from '../io/export';
import type { ImportResult } from '../io/types';

/**
 * Work the panel hands to its worker, so that long recordings never freeze the page. The worker
 * keeps the records it analyses: the page sends only what is new (`records`), and a file it
 * imports stays there (`import` answers with the file and its analysis at once).
 */
export interface WorkerRequests {
  records: { input: RecordsUpdate; result: Analysis };
  import: {
    input: { bytes: Uint8Array; name: string; now: number };
    result: { file: ImportResult; analysis: Analysis };
  };
  export: { input: { input: ExportInput; options: ExportOptions }; result: ExportResult };
}

export type WorkerKind = keyof WorkerRequests;

export type WorkerRequest = {
  [K in WorkerKind]: { id: number; kind: K; input: WorkerRequests[K]['input'] };
}[WorkerKind];

export type WorkerResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; code?: string; message: string } };
