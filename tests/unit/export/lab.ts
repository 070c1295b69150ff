import { readdirSync, readFileSync } from 'node:fs';
import { analyze } from '@/lib/analysis/analyze';
import type { Analysis } from '@/lib/analysis/types';
import { importAny } from '@/lib/io/detect';
import type { ImportResult } from '@/lib/io/types';

export const NOW = Date.parse('2026-12-01T00:00:00Z');

/** Every lab recording (tests/fixtures/lab/*.har), by name without the extension. */
export const LAB_FIXTURES: readonly string[] = readdirSync('tests/fixtures/lab')
  .filter((name) => name.endsWith('.har'))
  .map((name) => name.slice(0, -'.har'.length))
  .sort();

/** The public HARs of other producers (tests/fixtures/public). */
export const PUBLIC_HARS: readonly string[] = readdirSync('tests/fixtures/public')
  .filter((name) => name.endsWith('.har'))
  .sort();

export function importFile(path: string): ImportResult {
  return importAny(readFileSync(path), path);
}

export function importLab(name: string): ImportResult {
  return importFile(`tests/fixtures/lab/${name}.har`);
}

export function analyzeImport(imported: ImportResult): Analysis {
  return analyze({
    exchanges: imported.exchanges,
    cookieEvents: imported.cookieEvents,
    now: NOW,
    responseBodies: imported.responseBodies,
    cookiesVisible: imported.source.cookiesVisible,
  });
}
