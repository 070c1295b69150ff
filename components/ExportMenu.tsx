import { useState } from 'preact/hooks';
import { exportTrace, type ExportFormat, type ExportResult } from '@/lib/io/export';
import { REDACTION_PROFILES, type RedactionProfile } from '@/lib/io/redact';
import { useStore } from './context';

const FORMATS: { format: ExportFormat; label: string }[] = [
  { format: 'json', label: 'Trace JSON' },
  { format: 'har', label: 'HAR' },
  { format: 'md', label: 'Markdown report' },
  { format: 'mermaid', label: 'Mermaid diagram' },
];

/**
 * Exports what the panel shows, redacted by default (hashed): the work runs in the panel's
 * worker, then the browser downloads the file. "none" must be chosen, and says what it means.
 */
export function ExportMenu() {
  const store = useStore();
  const [profile, setProfile] = useState<RedactionProfile>('hashed');
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const run = async (format: ExportFormat) => {
    setBusy(format);
    try {
      const selected = store.selectedFlow.value;
      const input = {
        exchanges: store.exchanges.value,
        cookieEvents: store.cookieEvents.value,
        responseBodies: store.source.value.responseBodies,
        analysis: store.analysis.value,
        source:
          store.source.value.kind === 'live'
            ? 'live recording'
            : (store.source.value.name ?? 'file'),
      };
      const options = {
        format,
        redaction: { profile },
        now: Date.now(),
        ...(format === 'mermaid' && selected ? { flowId: selected.id } : {}),
      };
      const result: ExportResult = store.worker
        ? await store.worker.exportTrace({ input, options })
        : exportTrace(input, options);
      download(result);
      store.notify({
        level: profile === 'none' ? 'warning' : 'info',
        message: `Exported ${result.filename} (${profile === 'none' ? 'NOT redacted' : `redacted: ${profile}`}).`,
      });
    } catch (error) {
      store.notify({
        level: 'error',
        message: `Export failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    } finally {
      setBusy(null);
    }
  };
  return (
    <span class="export" role="group" aria-label="Export">
      <select
        data-testid="export-redaction"
        aria-label="Redaction"
        value={profile}
        onChange={(e) => setProfile(e.currentTarget.value as RedactionProfile)}
        title="hashed: secrets become stable hashes; removed: secrets are dropped; none: nothing is redacted"
      >
        {REDACTION_PROFILES.map((p) => (
          <option key={p} value={p}>
            {p === 'none' ? 'not redacted (secrets included!)' : `redacted: ${p}`}
          </option>
        ))}
      </select>
      {FORMATS.map(({ format, label }) => (
        <button
          key={format}
          type="button"
          data-testid={`export-${format}`}
          disabled={busy !== null || store.exchanges.value.length === 0}
          onClick={() => void run(format)}
        >
          {busy === format ? 'Exporting…' : label}
        </button>
      ))}
    </span>
  );
}

function download(result: ExportResult): void {
  const url = URL.createObjectURL(new Blob([result.text], { type: result.mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = result.filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
