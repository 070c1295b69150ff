import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, type CliDeps } from '@/lib/cli/run';
import type { Analysis } from '@/lib/analysis/types';

const PUBLIC = 'tests/fixtures/public';

function deps(files: Record<string, string> = {}): CliDeps & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    readFile: async (path) => {
      if (path in files) return new TextEncoder().encode(files[path]);
      return new Uint8Array(await readFile(path));
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
