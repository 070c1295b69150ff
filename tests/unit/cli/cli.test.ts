import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, type CliDeps } from '@/lib/cli/run';
import type { Analysis } from '@/lib/analysis/types';

const PUBLIC = 'tests/fixtures/public';

type TestDeps = CliDeps & { out: string[]; err: string[]; written: Map<string, string> };

function deps(files: Record<string, string> = {}): TestDeps {
  const out: string[] = [];
  const err: string[] = [];
  const written = new Map<string, string>();
  return {
    out,
    err,
    written,
    readFile: async (path) => {
      if (path in files) return new TextEncoder().encode(files[path]);
      return new Uint8Array(await readFile(path));
    },
    writeFile: async (path, text) => {
      if (path.startsWith('/forbidden/')) {
        throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), {
          code: 'EACCES',
        });
      }
      written.set(path, text);
    },
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    now: () => Date.parse('2026-11-30T10:00:00Z'),
    fetch: async () => {
      throw new Error('offline');
    },
    version: 'test',
  };
}

describe('session-tracer analyze', () => {
  it('prints flows, parties, tiers and problems as text', async () => {
    const d = deps();
    const code = await runCli(['analyze', `${PUBLIC}/samltracer-gen-sp-initiated-none.json`], d);
    expect(code).toBe(0);
    const text = d.out.join('');
    expect(text).toMatch(/flow-1: interactive-login \(saml2\) SUCCESS/);
    expect(text).toMatch(/sp\.example\.org \[app\], idp\.example\.com \[authorization-server\]/);
    expect(text).toMatch(/Session authorization-server https:\/\/idp\.example\.com: .*created/);
  });

  it('--json prints the analysis contract, without raw tokens', async () => {
    const d = deps();
    expect(
      await runCli(['analyze', `${PUBLIC}/samltracer-gen-sp-initiated-none.json`, '--json'], d),
    ).toBe(0);
    const analysis = JSON.parse(d.out.join('')) as Analysis;
    expect(analysis.version).toBe(1);
    expect(analysis.flows[0]).toMatchObject({
      kind: 'interactive-login',
      protocol: 'saml2',
      outcome: 'success',
    });
    expect(Object.keys(analysis.flows[0] ?? {})).toEqual(
      expect.arrayContaining([
        'id',
        'kind',
        'protocol',
        'outcome',
        'start',
        'end',
        'parties',
        'steps',
        'tiers',
        'tokens',
        'diagnostics',
      ]),
    );
    expect(d.out.join('')).not.toContain('"raw"');
  });

  it('--fail-on error exits 1 when an error-level problem is found', async () => {
    const d = deps();
    // The generated SAML-tracer response carries no signature: SAML_UNSIGNED is an error.
    expect(
      await runCli(
        ['analyze', `${PUBLIC}/samltracer-gen-sp-initiated-none.json`, '--fail-on', 'error'],
        d,
      ),
    ).toBe(1);
    expect(
      await runCli(
        ['analyze', `${PUBLIC}/auth0-login-firefox118.har`, '--fail-on=warning'],
        deps(),
      ),
    ).toBe(0);
  });

  it.each([
    ['not JSON', '{"log":', /not JSON/],
    ['an empty file', '', /empty/],
    ['a JSON array', '[1,2]', /not a HAR|not recogni[sz]ed|unknown/i],
    ['a HAR without entries', '{"log":{"version":"1.2"}}', /entries/],
  ])('exits 2 with a one-line reason for %s', async (_name, text, message) => {
    const d = deps({ 'bad.har': text });
    expect(await runCli(['analyze', 'bad.har'], d)).toBe(2);
    expect(d.err.join('')).toMatch(message);
    expect(d.out).toEqual([]);
  });

  it.each([
    [['analyze'], /needs a file/],
    [['analyse', 'x.har'], /unknown command/],
    [['analyze', 'x.har', '--fail-on', 'sometimes'], /--fail-on/],
    [['analyze', 'missing-file.har'], /no such file/],
  ])('exits 2 on bad usage %j', async (argv, message) => {
    const d = deps();
    expect(await runCli(argv, d)).toBe(2);
    expect(d.err.join('')).toMatch(message);
  });

  it('runs as the npm bin after the build', async () => {
    const { stdout } = await promisify(execFile)('node', [
      'bin/session-tracer.mjs',
      'analyze',
      `${PUBLIC}/samltracer-gen-sp-initiated-none.json`,
    ]);
    expect(stdout).toMatch(/interactive-login \(saml2\)/);
    const failure = await promisify(execFile)('node', [
      'bin/session-tracer.mjs',
      'analyze',
      'nope.har',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 2 });
  });
});

const LAB = 'tests/fixtures/lab';

describe('session-tracer export', () => {
  it('writes a HAR to stdout, redacted with the hashed profile by default', async () => {
    const d = deps();
    expect(await runCli(['export', `${LAB}/password-login.har`, '--to', 'har'], d)).toBe(0);
    const har = JSON.parse(d.out.join('')) as {
      log: { version: string; creator: { name: string; version: string }; entries: unknown[] };
    };
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator).toEqual({ name: 'Session Tracer', version: 'test' });
    expect(har.log.entries).toHaveLength(8);
    expect(d.out.join('')).not.toContain('wonderland');
    expect(d.out.join('')).toContain('‹h:');
    expect(d.err).toEqual([]);
  });

  it('--redact none keeps the secrets and warns on stderr', async () => {
    const d = deps();
    expect(
      await runCli(['export', `${LAB}/password-login.har`, '--to', 'json', '--redact', 'none'], d),
    ).toBe(0);
    expect(d.out.join('')).toContain('wonderland');
    expect(d.err.join('')).toMatch(/^session-tracer: warning: --redact none: .*NOT redacted/);
  });

  it('writes a trace JSON with the analysis and the redaction report', async () => {
    const d = deps();
    expect(
      await runCli(
        [
          'export',
          `${LAB}/fault-implicit-form-post.har`,
          '--to=json',
          '--redact=removed',
          '--keep-jwt-signatures',
          '--redact-name',
          'username',
          '--redact-name=email',
        ],
        d,
      ),
    ).toBe(0);
    const trace = JSON.parse(d.out.join('')) as {
      format: string;
      version: number;
      exportedAt: string;
      redaction: { profile: string; jwtSignatures: string; extraNames: string[] };
      analysis: Analysis;
    };
    expect(trace).toMatchObject({
      format: 'session-tracer-trace',
      version: 1,
      exportedAt: '2026-11-30T10:00:00.000Z',
      redaction: { profile: 'removed', jwtSignatures: 'kept', extraNames: ['username', 'email'] },
    });
    expect(trace.analysis.flows.map((f) => f.kind)).toEqual(['interactive-login']);
    expect(d.out.join('')).not.toContain('alice');
  });

  it('--out writes the file through writeFile and says so on stderr', async () => {
    const d = deps();
    expect(
      await runCli(['export', `${LAB}/federated-login.har`, '--to', 'md', '--out', 'report.md'], d),
    ).toBe(0);
    expect(d.out).toEqual([]);
    const report = d.written.get('report.md') ?? '';
    expect(report).toMatch(/^# Session Tracer report\n/);
    expect(report).toContain('**Source:** federated-login.har');
    expect(report).toContain('## flow-1: federated-login (oidc), success');
    expect(d.err.join('')).toBe('session-tracer: wrote report.md (md, redaction hashed)\n');
  });

  it.each([
    ['out.har', 'har', /"version": "1.2"/],
    ['out.json', 'json', /"format": "session-tracer-trace"/],
    ['out.md', 'md', /^# Session Tracer report/],
    ['out.mmd', 'mermaid', /^sequenceDiagram\n/],
  ])('--out %s without --to writes %s', async (out, _format, content) => {
    const d = deps();
    expect(await runCli(['export', `${LAB}/sso.har`, '--out', out], d)).toBe(0);
    expect(d.written.get(out)).toMatch(content);
  });

  it('--to mermaid draws every flow, or one with --flow', async () => {
    const all = deps();
    expect(await runCli(['export', `${LAB}/sso.har`, '--to', 'mermaid'], all)).toBe(0);
    expect(all.out.join('').match(/%% flow-\d+/g)).toEqual(['%% flow-1', '%% flow-2', '%% flow-3']);
    const one = deps();
    expect(
      await runCli(['export', `${LAB}/sso.har`, '--to', 'mermaid', '--flow', 'flow-3'], one),
    ).toBe(0);
    expect(one.out.join('')).toMatch(/^sequenceDiagram\n {2}participant Browser\n/);
    expect(one.out.join('')).not.toContain('%% flow-');
  });

  it.each([
    [['export', `${LAB}/sso.har`], /export needs --to har\|json\|md\|mermaid/],
    [['export', '--to', 'har'], /export needs a file/],
    [
      ['export', `${LAB}/sso.har`, '--to', 'pdf'],
      /--to takes har, json, md, mermaid \(not "pdf"\)/,
    ],
    [['export', `${LAB}/sso.har`, '--to'], /--to needs a value/],
    [
      ['export', `${LAB}/sso.har`, '--to', 'har', '--redact', 'some'],
      /--redact takes hashed, removed, none/,
    ],
    [['export', `${LAB}/sso.har`, '--to', 'har', '--flow', 'flow-1'], /--flow is for --to mermaid/],
    [
      ['export', `${LAB}/sso.har`, '--to', 'har', '--out', 'x', '--bogus'],
      /unknown option "--bogus"/,
    ],
    [['export', `${LAB}/sso.har`, `${LAB}/logout.har`, '--to', 'har'], /one file at a time/],
    [['export', `${LAB}/sso.har`, '--out', 'report.txt'], /export needs --to/],
  ])('exits 2 on bad usage %j', async (argv, message) => {
    const d = deps();
    expect(await runCli(argv, d)).toBe(2);
    expect(d.err.join('')).toMatch(message);
    expect(d.err.join('')).toContain('Usage:');
    expect(d.out).toEqual([]);
    expect(d.written.size).toBe(0);
  });

  it.each([
    ['a missing file', 'missing.har', {}, /cannot read missing\.har: no such file/],
    ['a file that is not JSON', 'bad.har', { 'bad.har': '{"log":' }, /bad\.har: .*not JSON/],
    ['a file of no known format', 'x.json', { 'x.json': '{"a":1}' }, /unknown format/],
  ])('exits 2 with a one-line reason for %s', async (_name, file, files, message) => {
    const d = deps(files);
    expect(await runCli(['export', file, '--to', 'har'], d)).toBe(2);
    expect(d.err.join('')).toMatch(message);
    expect(d.err.join('').trim().split('\n')).toHaveLength(1);
    expect(d.out).toEqual([]);
  });

  it('exits 2 for an unknown --flow and for an output it cannot write', async () => {
    const flow = deps();
    expect(
      await runCli(['export', `${LAB}/sso.har`, '--to', 'mermaid', '--flow', 'flow-9'], flow),
    ).toBe(2);
    expect(flow.err.join('')).toMatch(
      /no flow "flow-9" in this trace \(flows: flow-1, flow-2, flow-3\)/,
    );
    const write = deps();
    expect(
      await runCli(['export', `${LAB}/sso.har`, '--to', 'har', '--out', '/forbidden/x.har'], write),
    ).toBe(2);
    expect(write.err.join('')).toBe(
      'session-tracer: cannot write /forbidden/x.har: permission denied\n',
    );
  });

  it('a trace exported by the CLI is read back by analyze with the same flows', async () => {
    const exported = deps();
    expect(
      await runCli(
        ['export', `${LAB}/federated-login.har`, '--to', 'json', '--out', 't.json'],
        exported,
      ),
    ).toBe(0);
    const first = deps();
    await runCli(['analyze', `${LAB}/federated-login.har`, '--json'], first);
    const second = deps({ 't.json': exported.written.get('t.json') ?? '' });
    expect(await runCli(['analyze', 't.json', '--json'], second)).toBe(0);
    const kinds = (d: TestDeps) =>
      (JSON.parse(d.out.join('')) as Analysis).flows.map((f) => [
        f.kind,
        f.outcome,
        f.parties.map((p) => p.role),
        f.tiers.map((t) => t.sessionCookies.map((c) => c.name)),
      ]);
    expect(kinds(second)).toEqual(kinds(first));
  });

  it('help lists the export command', async () => {
    const d = deps();
    expect(await runCli(['--help'], d)).toBe(0);
    expect(d.out.join('')).toMatch(/session-tracer export <file> --to har\|json\|md\|mermaid/);
    expect(d.out.join('')).toMatch(/--redact\s+hashed \(default\)/);
  });

  it('runs as the npm bin after the build', async () => {
    const { stdout, stderr } = await promisify(execFile)('node', [
      'bin/session-tracer.mjs',
      'export',
      `${LAB}/password-login.har`,
      '--to',
      'mermaid',
    ]);
    expect(stdout).toMatch(/^sequenceDiagram\n/);
    expect(stderr).toBe('');
  });
});
