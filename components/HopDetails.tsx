import type { Header } from '@/lib/model';
import { summarizeExchange } from '@/lib/view/exchange-summary';
import { useStore } from './context';

/** The selected hop: URL, redirect, cookies sent and set, headers and form fields. */
export function HopDetails() {
  const store = useStore();
  const e = store.selected.value;
  if (!e) {
    return (
      <aside class="details empty" data-testid="hop-details-empty">
        Select a hop to see its headers and cookies.
      </aside>
    );
  }
  const s = summarizeExchange(e);
  return (
    <aside
      class="details"
      data-testid="hop-details"
      data-exchange-id={e.id}
      aria-label="Hop details"
    >
      <h2>
        {e.method} {e.status || ''} <span class="url">{e.url}</span>
      </h2>
      {e.redirectUrl && (
        <p data-testid="hop-redirect">
          Redirects to <span class="url">{e.redirectUrl}</span>
        </p>
      )}
      {e.error && <p class="error">Failed: {e.error}</p>}
      <h3>Cookies sent ({s.sentCookies.length})</h3>
      <ul>
        {s.sentCookies.map((c, i) => (
          <li key={i} data-testid="cookie-sent" data-name={c.name}>
            <b>{c.name}</b>={c.value}
          </li>
        ))}
      </ul>
      <h3>Cookies set ({s.setCookies.length})</h3>
      <ul>
        {s.setCookies.map((c, i) => (
          <li key={i} data-testid="cookie-set" data-name={c.name}>
            {c.raw}
          </li>
        ))}
      </ul>
      {e.requestBody?.kind === 'form' && (
        <>
          <h3>Form fields</h3>
          <ul>
            {e.requestBody.fields.map(([name, value], i) => (
              <li key={i} data-testid="form-field" data-name={name}>
                <b>{name}</b>={value}
              </li>
            ))}
          </ul>
        </>
      )}
      <HeaderTable title="Request headers" headers={e.requestHeaders} />
      <HeaderTable title="Response headers" headers={e.responseHeaders} />
    </aside>
  );
}

function HeaderTable({ title, headers }: { title: string; headers: Header[] }) {
  return (
    <>
      <h3>{title}</h3>
      <table class="headers">
        <tbody>
          {headers.map((h, i) => (
            <tr key={i}>
              <th scope="row">{h.name}</th>
              <td>{h.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
