import type { Block } from '@/lib/view/markdown';

/** Renders parsed Markdown blocks as text only: no HTML from the document is ever interpreted. */
export function MarkdownPage({ blocks }: { blocks: Block[] }) {
  return (
    <article class="doc">
      {blocks.map((b, i) => {
        switch (b.kind) {
          case 'heading': {
            const Tag = `h${Math.min(b.level, 4)}` as 'h1';
            return (
              <Tag key={i} id={b.id}>
                {b.text}
              </Tag>
            );
          }
          case 'paragraph':
            return <p key={i}>{b.text}</p>;
          case 'list':
            return (
              <ul key={i}>
                {b.items.map((item, k) => (
                  <li key={k}>{item}</li>
                ))}
              </ul>
            );
          case 'code':
            return <pre key={i}>{b.text}</pre>;
          case 'table':
            return (
              <table key={i}>
                <tbody>
                  {b.rows.map((row, r) => (
                    <tr
                      key={r}
                      id={/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(row[0] ?? '') ? row[0] : undefined}
                    >
                      {row.map((cell, c) =>
                        r === 0 ? <th key={c}>{cell}</th> : <td key={c}>{cell}</td>,
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            );
        }
      })}
    </article>
  );
}
