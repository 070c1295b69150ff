/** A small, safe subset of Markdown as blocks of plain text (never HTML). */
export type Block =
  | { kind: 'heading'; level: number; text: string; id?: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; rows: string[][] }
  | { kind: 'code'; text: string };

/**
 * Splits Markdown into blocks for the docs pages. Inline markup is kept as text; a heading that
 * names a rule id (DIAGNOSTIC_ID) gets that id as its anchor.
 */
export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  const lines = source.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('```')) {
      const code: string[] = [];
      while (++i < lines.length && !(lines[i] as string).startsWith('```'))
        code.push(lines[i] as string);
      blocks.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const text = strip(heading[2] ?? '');
      const id = /\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/.exec(text)?.[1];
      blocks.push({ kind: 'heading', level: heading[1]?.length ?? 1, text, ...(id ? { id } : {}) });
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && (lines[i] as string).startsWith('|'); i++) {
        const cells = (lines[i] as string)
          .split('|')
          .slice(1, -1)
          .map((c) => strip(c.trim()));
        if (!cells.every((c) => /^:?-+:?$/.test(c))) rows.push(cells);
      }
      i--;
      blocks.push({ kind: 'table', rows });
      continue;
    }
    if (/^\s*[-*]\s+/.test(line)) {
      const items: string[] = [];
      for (; i < lines.length && /^\s*[-*]\s+/.test(lines[i] as string); i++)
        items.push(strip((lines[i] as string).replace(/^\s*[-*]\s+/, '')));
      i--;
      blocks.push({ kind: 'list', items });
      continue;
    }
    if (line.trim() === '') continue;
    const para: string[] = [line];
    while (
      i + 1 < lines.length &&
      (lines[i + 1] as string).trim() !== '' &&
      !/^(#|\||```|\s*[-*]\s)/.test(lines[i + 1] as string)
    )
      para.push(lines[++i] as string);
    blocks.push({ kind: 'paragraph', text: strip(para.join(' ')) });
  }
  return blocks;
}

function strip(text: string): string {
  return text
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]*)\*\*/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
}
