#!/usr/bin/env node
// Fails when schema.graphql differs from the schema the server builds, or when the client's
// generated types are not what codegen makes from it. Fix with `npm run schema:emit`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const emitted = spawnSync(
  process.execPath,
  ['--import', '@swc-node/register/esm-register', 'src/cli/emit-schema.ts', '--stdout'],
  { cwd: path.join(root, 'server'), encoding: 'utf8' },
);
if (emitted.status !== 0) {
  console.error(emitted.stderr);
  process.exit(1);
}
const committed = fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8');
if (committed !== emitted.stdout) {
  console.error('schema.graphql is not the schema the server builds: run `npm run schema:emit`.');
  process.exit(1);
}
const codegen = spawnSync(
  path.join(root, 'node_modules/.bin/graphql-codegen'),
  ['--config', 'codegen.ts', '--check'],
  { cwd: root, encoding: 'utf8' },
);
if (codegen.status !== 0) {
  console.error(codegen.stdout, codegen.stderr);
  console.error('The generated client types are stale: run `npm run codegen`.');
  process.exit(1);
}
console.log('schema.graphql and the generated client types are current.');
