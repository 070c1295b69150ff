import type { AnalyzeInput } from '../analysis/analyze';
import type { Analysis } from '../analysis/types';
import type { ExportInput, ExportOptions, ExportResult } from '../io/export';
import type { ImportResult } from '../io/types';

/** Work the panel hands to its worker, so that long recordings never freeze the page. */
export interface WorkerRequests {
  analyze: { input: AnalyzeInput; result: Analysis };
  import: { input: { bytes: Uint8Array; name: string }; result: ImportResult };
  export: { input: { input: ExportInput; options: ExportOptions }; result: ExportResult };
}

export type WorkerKind = keyof WorkerRequests;

export type WorkerRequest = {
  [K in WorkerKind]: { id: number; kind: K; input: WorkerRequests[K]['input'] };
}[WorkerKind];

export type WorkerResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; code?: string; message: string } };
