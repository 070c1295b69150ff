import { useStore } from './context';

/** What Firefox shows differently from Chrome; also listed in the README. */
export const FIREFOX_NOTES = [
  'Firefox: third-party frames get partitioned cookies (Total Cookie Protection), so silent authentication in an iframe can fail here where Chrome succeeds; the cookie jar is shown per partition.',
  'Firefox: the browser does not say why it refused a cookie; a refused Set-Cookie shows as COOKIE_REJECTED from the missing jar change.',
];

/** What the source cannot show (a sanitized HAR has no cookies), said once, visibly. */
export function SourceNotes() {
  const store = useStore();
  const source = store.source.value;
  const notes: string[] = [];
  if (source.kind === 'file') {
    notes.push(`Viewing ${source.name ?? 'a file'}: ${store.exchanges.value.length} hops.`);
    if (!source.cookiesVisible)
      notes.push(
        'Cookies are not in this file (a sanitized export?): sessions are inferred from redirects only.',
      );
    notes.push(...source.warnings.slice(0, 5));
  }
  if (import.meta.env.FIREFOX && source.kind === 'live') notes.push(...FIREFOX_NOTES);
  if (notes.length === 0) return null;
  return (
    <div class="source-notes" role="note" data-testid="source-notes">
      {notes.map((n, i) => (
        <p key={i}>{n}</p>
      ))}
    </div>
  );
}
