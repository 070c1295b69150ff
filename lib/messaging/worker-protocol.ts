import type { RecordsUpdate } from '../analysis/analyzed-records';
import type { Analysis } from '../analysis/types';
import type { ExportInput, ExportOptions, ExportResult } from '../io/export';
import type { ImportResult } from '../io/types';

/** What an imported file says of itself, without its records. */
export type ImportSummary = Omit<ImportResult, 'exchanges' | 'cookieEvents' | 'responseBodies'>;
export type FileRecords = Pick<ImportResult, 'exchanges' | 'cookieEvents' | 'responseBodies'>;

/**
 * Work the panel hands to its worker, so that long recordings never freeze the page. The worker
 * keeps the records it analyses: the page sends only what is new (`records`), and a file it
 * imports stays there (`import` answers with the file and its analysis at once).
 */
export interface WorkerRequests {
  records: { input: RecordsUpdate; result: Analysis };
  /**
   * Imports a file and keeps its records. Answers with the analysis first (a large file's first
   * flows, `pending` hops short of the whole until the next update) and what the file says of
   * itself; its records come with `file-records`, so the flows show before 50 MB cross over.
   */
  import: {
    input: { bytes: Uint8Array; name: string; now: number };
    result: { summary: ImportSummary; analysis: Analysis; pending: number };
  };
  /** The records of the file imported last (once: the worker lets go of them). */
  'file-records': { input: Record<string, never>; result: FileRecords };
  export: { input: { input: ExportInput; options: ExportOptions }; result: ExportResult };
}

export type WorkerKind = keyof WorkerRequests;

export type WorkerRequest = {
  [K in WorkerKind]: { id: number; kind: K; input: WorkerRequests[K]['input'] };
}[WorkerKind];

export type WorkerResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; code?: string; message: string } };
