// `npm run bench [-- --quick] [--only=analysis,live,capture,panel,memory] [--out=FILE]`
//
// Builds what the benchmarks run, then runs them (bench/main.ts):
// - bench/main.ts and the CLI (lib/cli/main.ts) with Vite, into node_modules/.cache/, so that the
//   benchmarks run the same compiled code as `session-tracer` does and dist/ is left alone;
// - the Chrome extension with WXT into node_modules/.cache/ as well (not .output/, which the
//   end-to-end tests build and read), unless only the pure benchmarks run.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = path.join(root, 'node_modules', '.cache', 'session-tracer-bench');
const args = process.argv.slice(2);
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const render = args.some((a) => a.startsWith('--render='));
const needsBrowser =
  !render && (!only || only.some((n) => ['capture', 'panel', 'memory'].includes(n)));
const say = (line) => process.stdout.write(`[bench] ${line}\n`);

process.chdir(root);
mkdirSync(cache, { recursive: true });

let started = performance.now();
const { build } = await import('vite');
await build({
  configFile: false,
  root,
  logLevel: 'warn',
  publicDir: false,
  resolve: { alias: { '@': root } },
  build: {
    ssr: true,
    outDir: path.join(cache, 'js'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: {
      input: { main: path.join(root, 'bench/main.ts'), cli: path.join(root, 'lib/cli/main.ts') },
      output: { format: 'es', entryFileNames: '[name].mjs' },
    },
  },
});
say(`built the benchmarks and the CLI in ${Math.round(performance.now() - started)} ms`);

const env = { ...process.env, BENCH_CLI: path.join(cache, 'js', 'cli.mjs') };
if (needsBrowser && !process.env.BENCH_EXTENSION) {
  started = performance.now();
  const wxt = await import('wxt');
  const quiet = () => {};
  const loud = (...parts) => process.stderr.write(`${parts.join(' ')}\n`);
  const logger = { debug: quiet, log: quiet, info: quiet, success: quiet, warn: loud };
  await wxt.build({
    root,
    browser: 'chrome',
    outDir: path.join(cache, 'ext'),
    logger: { ...logger, error: loud, fatal: loud, level: 1 },
  });
  env.BENCH_EXTENSION = path.join(cache, 'ext', 'chrome-mv3');
  say(`built the extension in ${Math.round(performance.now() - started)} ms`);
}

const child = spawn(process.execPath, [path.join(cache, 'js', 'main.mjs'), ...args], {
  stdio: 'inherit',
  env,
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
