import { readFile, writeFile } from 'node:fs/promises';
import { runCli } from './run';

// The CLI's only entry: wires Node's file system, clock, console and fetch to runCli().
const code = await runCli(process.argv.slice(2), {
  readFile: async (path) => new Uint8Array(await readFile(path)),
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  now: () => Date.now(),
  fetch: (url) => fetch(url, { signal: AbortSignal.timeout(10_000) }),
  version: process.env['npm_package_version'] ?? '0.1.0',
});
process.exitCode = code;
