import type { Header } from '@/lib/model';
import { decodeHop } from '@/lib/view/hop-detail';
import { summarizeExchange } from '@/lib/view/exchange-summary';
import { useStore } from './context';

/** The selected hop: URL, redirect, decoded parameters and SAML, cookies sent and set, headers. */
export function HopDetails() {
  const store = useStore();
  const e = store.selected.value;
  if (!e) {
    return (
      <aside class="details empty" data-testid="hop-details-empty">
        Select a hop (an arrow of the sequence, or a row of the hop list) to see its parameters,
        cookies and headers.
      </aside>
    );
  }
  const s = summarizeExchange(e);
  const decoded = decodeHop(e);
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
      {decoded.messages.length > 0 && (
        <p data-testid="hop-messages">Protocol: {decoded.messages.join(', ')}</p>
      )}
      {decoded.params.length > 0 && (
        <>
          <h3>Parameters</h3>
          <table class="headers" data-testid="hop-params">
            <tbody>
              {decoded.params.map((p, i) => (
                <tr key={i} data-testid="hop-param" data-name={p.name} data-location={p.location}>
                  <th scope="row">
                    {p.name} <small>{p.location}</small>
                  </th>
                  <td>{p.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {decoded.saml && (
        <>
          <h3>SAML {decoded.saml.type === 'saml-request' ? 'request' : 'response'}</h3>
          {decoded.saml.error ? (
            <p class="error" data-testid="saml-error">
              Could not decode: {decoded.saml.error}
            </p>
          ) : (
            <>
              <table class="headers" data-testid="saml-summary">
                <tbody>
                  {Object.entries(decoded.saml.summary ?? {}).map(([k, v]) => (
                    <tr key={k}>
                      <th scope="row">{k}</th>
                      <td>{typeof v === 'string' ? v : JSON.stringify(v)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <pre class="xml" data-testid="saml-xml">
                {decoded.saml.xml}
              </pre>
            </>
          )}
        </>
      )}
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
