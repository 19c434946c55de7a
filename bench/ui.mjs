#!/usr/bin/env node
// UI figures in a real VS Code extension host (code-server): expanding a note with 10k children, "Open Note…" over
// 100k notes, and activation time. Runs test/exthost/uiBench.bench.ts through the extension-host runner and prints
// the figures it reports. Usage: node bench/ui.mjs  (TRILIUM_BENCH_NOTES / TRILIUM_BENCH_CHILDREN to resize)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(process.execPath, [path.join(root, 'scripts', 'run-exthost-tests.mjs'), path.join(root, 'test', 'exthost', 'uiBench.bench.ts')], {
  cwd: root, env: { ...process.env, TRILIUM_BENCH: '1' }, stdio: ['ignore', 'pipe', 'inherit'],
});
const figures = [];
let buffer = '';
child.stdout.on('data', (chunk) => {
  buffer += chunk.toString();
  let nl;
  while ((nl = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    const m = /BENCH (\{.*\})/.exec(line);
    if (m) figures.push(JSON.parse(m[1]));
    else if (process.env.VERBOSE) process.stdout.write(line + '\n');
  }
});
child.on('exit', (code) => {
  process.stdout.write('\nUI figures (extension host, code-server 4.100.3, this machine):\n');
  for (const f of figures) {
    const { name, ms, ...extra } = f;
    const more = Object.entries(extra).map(([k, v]) => `${k}=${v}`).join(' ');
    process.stdout.write(`  ${name.padEnd(62)} ${String(ms).padStart(9)} ms  ${more}\n`);
  }
  if (code !== 0) process.stdout.write(`bench run failed (exit ${code})\n`);
  process.exit(code ?? 1);
});
