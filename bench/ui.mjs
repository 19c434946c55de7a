#!/usr/bin/env node
// UI figures in a real VS Code extension host (code-server): expanding a note with 10k children, "Open Note…" over
// 100k notes, and activation time. Runs test/exthost/uiBench.bench.ts through the extension-host runner and prints
// the figures it reports. Usage: node bench/ui.mjs [--vscode 1.100|newest]  (TRILIUM_BENCH_NOTES / TRILIUM_BENCH_CHILDREN to resize)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExthostBench } from './lib/exthostBench.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const vscode = argv.includes('--vscode') ? argv[argv.indexOf('--vscode') + 1] : '1.100';
const { code, figures } = await runExthostBench(['--vscode', vscode, path.join(root, 'test', 'exthost', 'uiBench.bench.ts')]);
process.stdout.write(`\nUI figures (extension host, VS Code ${vscode}, this machine):\n`);
for (const f of figures) {
  const { name, ms, ...extra } = f;
  const more = Object.entries(extra).map(([k, v]) => `${k}=${v}`).join(' ');
  process.stdout.write(`  ${name.padEnd(62)} ${String(ms).padStart(9)} ms  ${more}\n`);
}
if (code !== 0) process.stdout.write(`bench run failed (exit ${code})\n`);
process.exit(code);
