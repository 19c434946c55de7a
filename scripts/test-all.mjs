#!/usr/bin/env node
// `npm test`: every layer in turn, each with its own row, then one line "N passed, N failed" over all of them.
//   core     plain Node + mocha, twice: Node 20 on @vscode/sqlite3 and Node 24 on node:sqlite
//   exthost  the extension host of each VS Code (code-server 4.100.3 / VS Code 1.100.3, and the newest)
//   e2e      the packaged extension in each VS Code, driven through chromium
// Fails if any row fails, does not run or runs no tests (such a row counts as one failure).
//   node scripts/test-all.mjs [--layer core|exthost|e2e]... [--vscode all|oldest|newest|1.100|1.139]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, ensureCodeServer, ensureNode24, log, selectVscodeTargets, targetPath } from './lib/codeServer.mjs';

const MOCHA = [
  path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'),
  '--reporter', path.join(ROOT, 'scripts', 'lib', 'mocha-count-reporter.cjs'),
  '--forbid-only',
  '--forbid-pending',
  'test/core/**/*.test.ts',
];

/** The core layer's two runs: the fallback driver on the system Node 20, the built-in one on Node 24. */
const CORE_RUNS = [
  { label: 'core · Node 20 · @vscode/sqlite3', driver: 'vscode-sqlite3', node: () => process.execPath, vscodeNode: 'system' },
  { label: 'core · Node 24 · node:sqlite', driver: 'node-sqlite', node: () => ensureNode24(), vscodeNode: 'node-24' },
];

function parseArgs(argv) {
  const options = { layers: [], vscode: 'all' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--layer') options.layers.push(value());
    else if (flag === '--vscode') options.vscode = value();
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (options.layers.length === 0) options.layers = ['core', 'exthost', 'e2e'];
  for (const layer of options.layers) {
    if (!['core', 'exthost', 'e2e'].includes(layer)) throw new Error(`unknown layer ${layer} (core, exthost, e2e)`);
  }
  return options;
}

/** The rows to run, in order: { label, node, args(resultsFile), env }. */
function plan(options) {
  const targets = selectVscodeTargets(options.vscode);
  const rows = [];
  for (const layer of options.layers) {
    if (layer === 'core') {
      for (const run of CORE_RUNS) {
        rows.push({
          label: run.label,
          node: run.node,
          args: () => MOCHA,
          env: { TRILIUM_SQLITE_DRIVER: run.driver, PATH: targetPath({ node: run.vscodeNode }) },
        });
      }
      continue;
    }
    const script = path.join(ROOT, 'scripts', layer === 'exthost' ? 'run-exthost-tests.mjs' : 'run-e2e.mjs');
    for (const target of targets) {
      rows.push({
        label: `${layer} · ${target.label}`,
        node: () => process.execPath,
        args: (results) => [script, '--vscode', target.id, '--results', results],
        env: {},
        target,
      });
    }
  }
  return rows;
}

function runRow(row, resultsFile) {
  return new Promise((resolve) => {
    const child = spawn(row.node(), row.args(resultsFile), {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...row.env, TRILIUM_TEST_RESULTS: resultsFile },
    });
    child.on('error', () => resolve(1));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  log(error.message);
  process.exit(2);
}
const rows = plan(options);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tv-all-'));
const results = [];
let ok = true;
try {
  const targets = [...new Set(rows.map((row) => row.target).filter(Boolean))];
  if (targets.length > 0) ensureCodeServer(targets);
  for (const [index, row] of rows.entries()) {
    const resultsFile = path.join(tmp, `${index}.json`);
    process.stdout.write(`\n===== ${row.label} =====\n`);
    const started = Date.now();
    let code;
    try {
      code = await runRow(row, resultsFile);
    } catch (error) {
      log(`${row.label}: ${error instanceof Error ? error.message : error}`);
      code = 1;
    }
    const seconds = (Date.now() - started) / 1000;
    let counts;
    try {
      counts = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    } catch {
      counts = undefined;
    }
    const passed = counts?.passed ?? 0;
    // a row that did not run, or ran nothing, counts as one failure in the totals
    const failed = (counts?.failed ?? 0) + (counts && counts.passed + counts.failed > 0 ? 0 : 1);
    let verdict = 'ok';
    if (!counts) verdict = `did not run (exit ${code})`;
    else if (counts.passed + counts.failed === 0) verdict = 'no tests';
    else if (code !== 0 || failed > 0) verdict = `FAILED (exit ${code})`;
    if (verdict !== 'ok') ok = false;
    results.push({ label: row.label, passed, failed, seconds, verdict, failures: counts?.failures ?? [] });
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

const width = Math.max(10, ...results.map((row) => row.label.length));
const table = results.map((row) => {
  const counts = `${row.passed} passed, ${row.failed} failed`;
  return `${row.label.padEnd(width)}  ${counts.padEnd(24)} ${formatSeconds(row.seconds).padStart(8)}  ${row.verdict}`;
});
const total = results.reduce((sum, row) => sum + row.seconds, 0);
table.push(`${'all layers'.padEnd(width)}  ${''.padEnd(24)} ${formatSeconds(total).padStart(8)}`);
// the failed tests again, so that the end of a long log says which ones failed and why
const failedTests = results.flatMap((row) => row.failures.map((failure) => `  ✘ ${row.label}: ${failure.title}\n      ${failure.message}`));
if (failedTests.length > 0) table.push('', 'failed tests:', ...failedTests);
// .ci/run prints the table again at the end of its log
if (process.env.TRILIUM_TEST_TIMINGS) fs.writeFileSync(process.env.TRILIUM_TEST_TIMINGS, `${table.join('\n')}\n`);
process.stdout.write(`\n${table.join('\n')}\n`);
const passed = results.reduce((sum, row) => sum + row.passed, 0);
const failed = results.reduce((sum, row) => sum + row.failed, 0);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(ok ? 0 : 1);

function formatSeconds(seconds) {
  const whole = Math.round(seconds);
  return whole >= 60 ? `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s` : `${seconds.toFixed(1)} s`;
}
