import { describe, expect, it } from 'vitest';
import { code, text, toMarkdown } from '@/lib/io/markdown';
import type { RedactionReport } from '@/lib/io/redact';
import { analysisOf, hostileFlow } from './analysis-factory';
import { analyzeImport, importLab } from './lab';

/** The table blocks of a Markdown text: runs of lines starting with "|". */
function tables(md: string): string[][] {
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) current.push(line);
    else if (current.length > 0) {
      blocks.push(current);
      current = [];
    }
  }
  if (current.length > 0) blocks.push(current);
  return blocks;
}

/** The cells of a table row, split on the pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

const HEADINGS = [
  '# Session Tracer report',
  '## Summary',
  '## flow-1: interactive-login (oidc), error',
  '### Parties',
  '### What happened',
  '### Sessions',
  '### Tokens',
  '### Problems',
];

describe('Markdown report', () => {
  const md = toMarkdown(analysisOf([hostileFlow()]), { source: 'support <case> #42.har' });

  it('has the title, the source, a summary and one section per flow', () => {
    expect(md.split('\n').filter((l) => l.startsWith('#'))).toEqual(HEADINGS);
    expect(md).toContain('**Source:** support &lt;case&gt; \\#42.har');
    expect(md).toContain('**Hops:** 3 · **Flows:** 1');
    expect(md).toContain('Problems: 1 error(s), 0 warning(s), 0 info.');
    expect(md).toContain(
      '**Kind:** interactive-login · **Protocol:** oidc · **Outcome:** **error** · ' +
        '**Time:** 2026-11-30T10:00:00.000Z (2.0 s, 3 hops)',
    );
  });

  it('writes well-formed tables: a header, a delimiter row, the same number of cells', () => {
    const blocks = tables(md);
    expect(blocks.map((b) => cells(b[0] ?? ''))).toEqual([
      ['flow', 'kind', 'protocol', 'outcome', 'start', 'hops', 'problems'],
      ['role', 'origin', 'label'],
      ['party', 'role', 'cookie', 'change', 'attributes'],
      ['kind', 'format', 'location', 'claims', 'verification'],
      ['severity', 'id', 'message', 'reference'],
    ]);
    for (const block of blocks) {
      const width = cells(block[0] ?? '').length;
      expect(cells(block[1] ?? '')).toEqual(Array(width).fill('---'));
      for (const row of block) expect(cells(row)).toHaveLength(width);
    }
  });

  it('shows parties, narrative, tiers, tokens (a few claims) and problems', () => {
    expect(md).toContain('| app | https://app.example | Shop; &lt;b&gt;\\#1&lt;/b&gt; |');
    expect(md).toContain('| authorization-server | https://as.example:8443 |   |');
    expect(md).toContain('1. The browser opened &lt;https://app.example/login&gt;.');
    expect(md).toContain(
      '| https://app.example (app) | app | `sid` | updated | HttpOnly; Max-Age=3600; 20 B |',
    );
    expect(md).toContain('SSO proven at https://app.example');
    expect(md).toMatch(
      /\| id\\_token \| jws \| form `id_token` \| iss=https:\/\/as\.example:8443, /,
    );
    expect(md).toContain('+1 more');
    expect(md).not.toContain('hidden');
    expect(md).toContain('| invalid: bad signature \\| forged |');
    expect(md).toContain('| **error** | `STATE_MISSING` |');
    expect(md).toContain('| RFC 6749 §10.12 |');
  });

  it('keeps hostile values inert: no HTML, no code span, link, heading or list they open', () => {
    // The cookie named <img onerror=x>: entities, never a tag, never inside a code span.
    expect(md).toContain('&lt;img onerror=x&gt;');
    expect(md).not.toMatch(/</);
    expect(md).not.toMatch(/>/);
    // The claim with pipes and backticks: escaped, so it neither splits the cell nor opens code.
    expect(md).toContain('sub=a\\|b \\`rm -rf\\` \\| c');
    expect(md).toContain('aud=\\["app","&lt;x&gt;"\\]');
    // A message with a line break and Markdown link syntax stays on its row, as text.
    expect(md).toContain('| No state. \\# Not a heading \\| \\[link\\](javascript:alert(1)) |');
    // Narrative lines cannot become headings or nested lists.
    expect(md).toContain('2. \\# this is not a heading');
    expect(md).toContain('3. \\- nor a list item');
    expect(md).toContain('4. 1\\. nor a numbered item');
    // No line outside a table starts with anything but our own structure.
    for (const line of md.split('\n')) {
      expect(line).toMatch(/^(|#{1,3} .*|\|.*\||\d+\. .*|\*\*.*|> .*|Problems: .*|SSO proven .*)$/);
    }
  });

  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a | b', 'a \\| b'],
    ['`x`', '\\`x\\`'],
    ['line\nbreak\r\nand\u2028more', 'line break and more'],
    [
      '*bold* _em_ ~del~ [x](y) ![i](j) $math$',
      '\\*bold\\* \\_em\\_ \\~del\\~ \\[x\\](y) \\!\\[i\\](j) \\$math\\$',
    ],
    ['# h', '\\# h'],
    ['> quote', '&gt; quote'],
    ['+ item', '\\+ item'],
    ['12) item', '12\\) item'],
    ['a & b', 'a &amp; b'],
    ['back\\slash', 'back\\\\slash'],
  ])('text(%j) is %j', (value, expected) => {
    expect(text(value)).toBe(expected);
  });

  it.each([
    ['_session', '`_session`'],
    ['storezero.sid', '`storezero.sid`'],
    ['<img onerror=x>', '&lt;img onerror=x&gt;'],
    ['a`b', 'a\\`b'],
    ['', ''],
  ])('code(%j) is %j', (value, expected) => {
    expect(code(value)).toBe(expected);
  });

  it('states the redaction and a warning when nothing was redacted', () => {
    const report = {
      profile: 'none',
      jwtSignatures: 'kept',
      extraNames: ['x-api-key'],
      counts: {},
      warning: 'Nothing was redacted.',
    } as unknown as RedactionReport;
    const out = toMarkdown(analysisOf([]), { title: 'Case <1>', redaction: report });
    expect(out).toMatch(/^# Case &lt;1&gt;\n/);
    expect(out).toContain(
      '**Redaction:** profile `none` · JWT signatures kept · extra names: `x-api-key`',
    );
    expect(out).toContain('> **Warning:** Nothing was redacted.');
    expect(out).toContain('No login flow was found.');
  });

  it('reports a lab recording: the password login, its two sessions and the code exchange', () => {
    const analysis = analyzeImport(importLab('password-login'));
    const out = toMarkdown(analysis, { source: 'password-login.har' });
    expect(out).toContain('## flow-1: interactive-login (oidc), success');
    expect(out).toContain('| app | http://storezero.localhost:3000 | storezero.localhost:3000 |');
    expect(out).toContain(
      '| authorization-server | http://auth.localhost:3001 | auth.localhost:3001 |',
    );
    expect(out).toMatch(
      /\| http:\/\/storezero\.localhost:3000 \(app\) \| app \| `storezero\.sid` \| created \|/,
    );
    expect(out).toMatch(/\| `_session` \| created \|/);
    expect(out).toContain('### Problems\n\nNone found.');
    for (const block of tables(out)) {
      const width = cells(block[0] ?? '').length;
      for (const row of block) expect(cells(row)).toHaveLength(width);
    }
  });
});
