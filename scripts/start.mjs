#!/usr/bin/env node
// `npm start`: builds what is missing or older than its sources, then runs the compiled server in
// this same process (so Ctrl-C reaches it directly and it can shut down in order).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);

const targets = [
  {
    name: 'client',
    output: path.join(root, 'client/build/index.html'),
    sources: ['client/src', 'client/static', 'client/svelte.config.js', 'client/vite.config.ts'],
  },
  { name: 'server', output: path.join(root, 'server/dist/main.js'), sources: ['server/src'] },
];

for (const t of targets) {
  const built = mtime(t.output);
  const changed = Math.max(...t.sources.map((s) => newestMtime(path.join(root, s))));
  if (built === 0 || changed > built) {
    console.log(`Building the ${t.name}…`);
    const r = spawnSync('npm', ['run', 'build', '-w', t.name], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
    // tsc keeps unchanged outputs' times; mark the build as current.
    const now = new Date();
    fs.utimesSync(t.output, now, now);
  }
}

await import(pathToFileURL(path.join(root, 'server/dist/main.js')).href);
