import { describe, expect, it } from 'vitest';
import { mermaidText, toMermaid, toMermaidAll } from '@/lib/io/mermaid';
import { analysisOf, hostileFlow } from './analysis-factory';
import { LAB_FIXTURES, analyzeImport, importLab } from './lab';

const ID = '[A-Za-z][A-Za-z0-9]*';
const LINE_GRAMMAR: [kind: string, pattern: RegExp][] = [
  ['participant', new RegExp(`^  participant (${ID})(?: as (.+))?$`)],
  ['message', new RegExp(`^  (${ID})(->>|-->>)(${ID}): (.+)$`)],
  ['note', new RegExp(`^  Note over (${ID})(?:,(${ID}))?: (.+)$`)],
  ['comment', /^ {2}%% (.+)$/],
];

/** Text Mermaid reads as text: entity codes (#35; #lt; ...) but no raw syntax characters. */
function expectInertText(value: string): void {
  const bare = value.replace(/#(?:[a-z]+|\d+);/g, '');
  expect(bare, value).not.toMatch(/[#;<>"&\p{Cc}\u2028\u2029]|%%/u);
  expect(value.trim(), value).toBe(value);
  expect(value).not.toBe('');
}

/**
 * Parses a diagram with the grammar the exporter emits: a `sequenceDiagram` header, then
 * participants (all declared before any message), messages, notes and comments, every text
 * inert. Returns the statements for further checks.
 */
function parseDiagram(diagram: string) {
  expect(diagram.endsWith('\n')).toBe(true);
  const [header, ...lines] = diagram.slice(0, -1).split('\n');
  expect(header).toBe('sequenceDiagram');
  const declared = new Map<string, string | undefined>();
  const messages: { from: string; arrow: string; to: string; text: string }[] = [];
  const notes: { over: string[]; text: string }[] = [];
  let bodyStarted = false;
  const use = (id: string | undefined) => {
    expect(declared.has(id ?? ''), `participant ${id} used before it was declared`).toBe(true);
    return id ?? '';
  };
  for (const line of lines) {
    const match = LINE_GRAMMAR.map(([kind, re]) => [kind, re.exec(line)] as const).find(
      ([, m]) => m !== null,
    );
    expect(match, `line does not match the grammar: ${JSON.stringify(line)}`).toBeDefined();
    const [kind, m] = match ?? ['', null];
    if (!m) continue;
    if (kind === 'participant') {
      expect(bodyStarted, 'participants come first').toBe(false);
      expect(declared.has(m[1] ?? ''), `participant ${m[1]} declared twice`).toBe(false);
      if (m[2] !== undefined) expectInertText(m[2]);
      expect(m[2] ?? '').not.toMatch(/^:?(no)?wrap:/i);
      declared.set(m[1] ?? '', m[2]);
      continue;
    }
    bodyStarted = true;
    if (kind === 'message') {
      expectInertText(m[4] ?? '');
      messages.push({ from: use(m[1]), arrow: m[2] ?? '', to: use(m[3]), text: m[4] ?? '' });
    } else if (kind === 'note') {
      expectInertText(m[3] ?? '');
      notes.push({ over: [use(m[1]), ...(m[2] ? [use(m[2])] : [])], text: m[3] ?? '' });
    } else expectInertText(m[1] ?? '');
  }
  return { declared, messages, notes };
}

describe('Mermaid sequence diagram', () => {
  it('draws a lab password login: participants, one message per step, notes on cookies', () => {
    const analysis = analyzeImport(importLab('password-login'));
    const flow = analysis.flows[0];
    if (!flow) throw new Error('no flow');
    const diagram = toMermaid(flow);
    const { declared, messages, notes } = parseDiagram(diagram);
    expect([...declared]).toEqual([
      ['Browser', undefined],
      ['App', 'storezero.localhost:3000 (app)'],
      ['AS', 'auth.localhost:3001 (authorization-server)'],
    ]);
    expect(messages).toHaveLength(flow.steps.length);
    expect(messages[0]).toEqual({
      from: 'Browser',
      arrow: '->>',
      to: 'App',
      text: expect.stringMatching(/^GET \/account 302/),
    });
    expect(
      messages.some(
        (m) =>
          m.from === 'Browser' &&
          m.to === 'AS' &&
          m.text.startsWith('GET /authorize: authorization request'),
      ),
    ).toBe(true);
    const inferred = messages.filter((m) => m.arrow === '-->>');
    expect(inferred).toEqual([
      {
        from: 'App',
        arrow: '-->>',
        to: 'AS',
        text: 'exchanged the code for tokens on its back channel (not visible to the browser) (inferred)',
      },
    ]);
    expect(notes).toEqual([
      { over: ['AS'], text: '+ _session created, + _session.sig created' },
      { over: ['App'], text: '+ storezero.sid created' },
    ]);
    // A note follows the message of the hop that set the cookie.
    const lines = diagram.split('\n');
    const sessionNote = lines.indexOf('  Note over AS: + _session created, + _session.sig created');
    expect(lines[sessionNote - 1]).toMatch(/^ {2}Browser->>AS: GET \/authorize\/.* 303/);
  });

  it.each(LAB_FIXTURES)('every flow of %s parses with the emitted grammar', (name) => {
    const analysis = analyzeImport(importLab(name));
    for (const flow of analysis.flows) {
      const { messages } = parseDiagram(toMermaid(flow));
      expect(messages).toHaveLength(flow.steps.length);
    }
    const all = parseDiagram(toMermaidAll(analysis));
    expect(all.messages).toHaveLength(analysis.flows.reduce((n, f) => n + f.steps.length, 0));
  });

  it('sanitizes hostile labels: no statement end, comment, HTML or line break gets through', () => {
    const diagram = toMermaid(hostileFlow());
    const { declared, messages, notes } = parseDiagram(diagram);
    expect(declared.get('App')).toBe('Shop#59; #lt;b#gt;#35;1#lt;/b#gt;, app.example (app)');
    expect(messages[1]?.text).toBe(
      'GET /authorize#59; x=1 #35;frag #lt;script#gt;alert(1)#lt;/script#gt; end #37;% comment 303',
    );
    expect(notes[0]).toEqual({ over: ['AS'], text: '+ #lt;img onerror=x#gt; created' });
    expect(notes[1]).toEqual({ over: ['App'], text: '~ sid updated' });
    expect(diagram.replace(/-?->>/g, '')).not.toMatch(/[<>]/);
  });

  it('declares a participant for an origin that is in a step but not among the parties', () => {
    const flow = hostileFlow({
      steps: [
        { exchangeId: 'x9', from: 'browser', to: 'https://cdn.example', summary: 'GET /x 200' },
      ],
      tiers: [],
    });
    const { declared, messages } = parseDiagram(toMermaid(flow));
    expect(declared.get('Host')).toBe('cdn.example');
    expect(messages).toEqual([{ from: 'Browser', arrow: '->>', to: 'Host', text: 'GET /x 200' }]);
  });

  it('joins several flows in one diagram, each introduced by a comment and a note', () => {
    const second = hostileFlow({
      id: 'flow-2',
      kind: 'logout',
      parties: [{ origin: 'https://idp.example', role: 'identity-provider' }],
      steps: [
        {
          exchangeId: 'y1',
          from: 'browser',
          to: 'https://idp.example',
          summary: 'GET /logout 302',
        },
      ],
      tiers: [],
    });
    const diagram = toMermaidAll(analysisOf([hostileFlow(), second]));
    const { declared, notes } = parseDiagram(diagram);
    expect([...declared.keys()]).toEqual(['Browser', 'App', 'AS', 'IdP']);
    expect(diagram).toContain('  %% flow-1: interactive-login (oidc), error\n');
    expect(diagram).toContain('  %% flow-2: logout (oidc), error\n');
    expect(notes.filter((n) => n.over[0] === 'Browser').map((n) => n.text)).toEqual([
      'flow-1 interactive-login (oidc) error',
      'flow-2 logout (oidc) error',
    ]);
    expect(diagram.match(/^sequenceDiagram$/gm)).toHaveLength(1);
  });

  it('writes a valid diagram for an analysis without flows', () => {
    expect(toMermaidAll(analysisOf([]))).toBe(
      'sequenceDiagram\n  participant Browser\n  %% no login flow found\n',
    );
  });

  it.each([
    ['a;b', 'a#59;b'],
    ['#x', '#35;x'],
    ['<br/>', '#lt;br/#gt;'],
    ['a\nb\r\nc', 'a b c'],
    ['"q" & r', '#quot;q#quot; #amp; r'],
    ['100%% sure', '100#37;% sure'],
    ['  ', '…'],
    ['#35;', '#35;35#59;'],
  ])('mermaidText(%j) is %j', (value, expected) => {
    expect(mermaidText(value)).toBe(expected);
  });

  it('never lets a label read as the wrap: directive', () => {
    const flow = hostileFlow({
      parties: [{ origin: 'https://a.example', role: 'app', label: 'nowrap:evil' }],
      steps: [],
      tiers: [],
    });
    const { declared } = parseDiagram(toMermaid(flow));
    expect(declared.get('App')).toBe('nowrap#58;evil, a.example (app)');
  });
});
