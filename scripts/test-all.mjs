#!/usr/bin/env node
// `npm test`: the three layers in turn (core in plain Node, extension host in code-server, end-to-end UI), each
// with its own counts, then one line "N passed, N failed" over all of them. Fails if any layer fails, does not run
// or runs no tests (such a layer counts as one failure). `--layer core|exthost|e2e` (repeatable) picks layers.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, ensureCodeServer, log } from './lib/codeServer.mjs';

const LAYERS = {
  core: () => [
    path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'),
    '--reporter', path.join(ROOT, 'scripts', 'lib', 'mocha-count-reporter.cjs'),
    '--forbid-only',
    '--forbid-pending',
  ],
  exthost: (results) => [path.join(ROOT, 'scripts', 'run-exthost-tests.mjs'), '--results', results],
  e2e: (results) => [path.join(ROOT, 'scripts', 'run-e2e.mjs'), '--results', results],
};

function runLayer(name, resultsFile) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, LAYERS[name](resultsFile), {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, TRILIUM_TEST_RESULTS: resultsFile },
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const selected = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--layer') selected.push(argv[++i]);
  else if (argv[i].startsWith('--layer=')) selected.push(argv[i].slice(8));
  else {
    log(`unknown argument ${argv[i]}`);
    process.exit(2);
  }
}
const layers = selected.length > 0 ? selected : Object.keys(LAYERS);
for (const layer of layers) {
  if (!LAYERS[layer]) {
    log(`unknown layer ${layer} (core, exthost, e2e)`);
    process.exit(2);
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tv-all-'));
const rows = [];
let ok = true;
try {
  if (layers.some((layer) => layer !== 'core')) ensureCodeServer();
  for (const layer of layers) {
    const resultsFile = path.join(tmp, `${layer}.json`);
    process.stdout.write(`\n===== ${layer} =====\n`);
    const started = Date.now();
    const code = await runLayer(layer, resultsFile);
    const seconds = (Date.now() - started) / 1000;
    let counts;
    try {
      counts = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    } catch {
      counts = undefined;
    }
    const passed = counts?.passed ?? 0;
    // a layer that did not run, or ran nothing, counts as one failure in the totals
    const failed = (counts?.failed ?? 0) + (counts && counts.passed + counts.failed > 0 ? 0 : 1);
    let verdict = 'ok';
    if (!counts) verdict = `did not run (exit ${code})`;
    else if (passed + failed === 0) verdict = 'no tests';
    else if (code !== 0 || failed > 0) verdict = `FAILED (exit ${code})`;
    if (verdict !== 'ok') ok = false;
    rows.push({ layer, passed, failed, seconds, verdict });
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

process.stdout.write('\n');
for (const row of rows) {
  process.stdout.write(`${row.layer.padEnd(8)} ${row.passed} passed, ${row.failed} failed  (${row.seconds.toFixed(1)} s) ${row.verdict}\n`);
}
const passed = rows.reduce((sum, row) => sum + row.passed, 0);
const failed = rows.reduce((sum, row) => sum + row.failed, 0);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(ok ? 0 : 1);
