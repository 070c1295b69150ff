import { SessionTracerError } from '@/lib/errors';
import { useStore } from './context';

/** Opens a HAR, a trace or a SAML-tracer export; a bad file gets a clear message, nothing is lost. */
export function ImportButton() {
  const store = useStore();
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      await store.openFile(new Uint8Array(await file.arrayBuffer()), file.name);
    } catch (error) {
      const message =
        error instanceof SessionTracerError
          ? error.message
          : `could not read the file (${String(error)})`;
      store.notify({ level: 'error', message: `${file.name}: ${message}` });
    }
  };
  return (
    <label class="button" title="Open a HAR, a Session Tracer trace or a SAML-tracer export">
      Import
      <input
        type="file"
        accept=".har,.json,application/json"
        data-testid="import"
        class="visually-hidden"
        onChange={(e) => {
          const input = e.currentTarget;
          void onFile(input.files?.[0]).finally(() => (input.value = ''));
        }}
      />
    </label>
  );
}
