#!/usr/bin/env node
// The CLI is built into dist/ by `npm install` (postinstall) or `npm run build:cli`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write(
    'session-tracer: the CLI is not built yet; run `npm run build:cli` in the repository.\n',
  );
  process.exit(2);
}
await import(built);
