#!/usr/bin/env node
// End-to-end UI tests: packages the extension, installs the package that fits each VS Code into a fresh code-server
// per test (VS Code 1.100.3: the linux-x64 package with @vscode/sqlite3; the newest: the universal one, node:sqlite),
// opens the workbench in headless Debian chromium (playwright-core) and runs test/e2e/*.e2e.ts against it.
//
//   node scripts/run-e2e.mjs [--vscode all|oldest|newest|1.100|1.139] [--grep PATTERN] [--vsix FILE] [--keep]
//                            [--verbose] [--results FILE] [FILE...]
//
// --vscode: which VS Codes (default: all, in turn). --vsix: install this package in every VS Code instead of building
// them. Screenshots go to test-results/NAME.png from the newest VS Code, NAME-vscode-VERSION.png from the others
// (also on failure).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { launchBrowser } from './lib/browser.mjs';
import {
  NEWEST_VSCODE,
  ROOT,
  createRunDir,
  delay,
  ensureCodeServer,
  installExtension,
  log,
  registerCleanup,
  removeRunDir,
  selectVscodeTargets,
  startCodeServer,
  writeUserSettings,
} from './lib/codeServer.mjs';
import { findFiles } from './lib/files.mjs';
import { packageExtension } from './lib/packageVsix.mjs';
import { startDemoSyncServer } from './lib/syncServer.mjs';
import { openViewContainer, runCommand, screenshot, statusBarItem, waitForNotification, waitForWorkbench } from './lib/workbench.mjs';

const E2E_DIR = path.join(ROOT, 'test', 'e2e');

function parseArgs(argv) {
  const options = {
    files: [], grep: undefined, vsix: undefined, keep: false, verbose: false, results: undefined,
    vscode: process.env.TRILIUM_VSCODE || 'all',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    if (flag === '--grep' || flag === '-g') options.grep = value();
    else if (flag === '--vsix') options.vsix = path.resolve(value());
    else if (flag === '--vscode') options.vscode = value();
    else if (flag === '--results') options.results = path.resolve(value());
    else if (flag === '--keep') options.keep = true;
    else if (flag === '--verbose') options.verbose = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else options.files.push(path.resolve(arg));
  }
  return options;
}

/** Bundles each test file (TypeScript) to CommonJS in `outdir` (inside the repo, so node_modules resolve) and loads it. */
async function loadTests(files, outdir) {
  await esbuild.build({
    entryPoints: files,
    outbase: E2E_DIR,
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    packages: 'external',
    logLevel: 'warning',
  });
  process.setSourceMapsEnabled(true);
  const tests = [];
  for (const file of files) {
    const bundled = path.join(outdir, path.relative(E2E_DIR, file)).replace(/\.ts$/, '.cjs');
    const mod = await import(pathToFileURL(bundled).href);
    const exported = mod.default?.default ?? mod.default;
    if (!Array.isArray(exported)) throw new Error(`${path.relative(ROOT, file)}: the default export must be an array of tests`);
    for (const test of exported) tests.push({ ...test, file: path.relative(ROOT, file) });
  }
  return tests;
}

async function runOne(test, target, vsix, options) {
  const run = createRunDir('e', { vscode: target });
  const shotName = (name) => (target === NEWEST_VSCODE ? name : `${name}-vscode-${target.vscode}`);
  run.keep = options.keep;
  const syncServers = [];
  const browserErrors = [];
  let server;
  let context;
  const started = Date.now();
  try {
    installExtension(run, vsix);
    const prepared =
      (await test.prepare?.({
        runDir: run.root,
        async startSyncServer({ password = 'demo-password', sampleNotes = true, extraArgs = [] } = {}) {
          const started = await startDemoSyncServer({
            dataDir: path.join(run.root, `sync-${syncServers.length}`),
            password,
            sampleNotes,
            extraArgs,
          });
          syncServers.push(started);
          return started;
        },
      })) || {};
    writeUserSettings(run, prepared.settings || {});
    server = await startCodeServer(run, { env: prepared.env || {}, verbose: options.verbose });
    context = await launchBrowser(run);
    const page = context.pages()[0] || (await context.newPage());
    page.on('console', (message) => {
      if (options.verbose) process.stderr.write(`[browser] ${message.text()}\n`);
      else if (message.type() === 'error') browserErrors.push(message.text());
    });
    // (not 'load': on a busy machine the workbench's many resources can take longer than goto's 30 s)
    await page.goto(`${server.url}/?folder=${encodeURIComponent(run.workspace)}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await waitForWorkbench(page);

    const t = {
      page,
      baseUrl: server.url,
      runDir: run.root,
      workspaceDir: run.workspace,
      runCommand: (title) => runCommand(page, title),
      waitForNotification: (text, timeout) => waitForNotification(page, text, timeout),
      async waitForStatusBarItem(text, timeout = 60_000) {
        const item = statusBarItem(page, text);
        await item.waitFor({ state: 'visible', timeout });
        return (await item.innerText()).trim();
      },
      openViewContainer: (title) => openViewContainer(page, title),
      screenshot: (name) => screenshot(page, shotName(name)),
      vscode: target,
      setSettings: (settings) => writeUserSettings(run, settings),
      prepared: { ...prepared, syncServers },
      log: (message) => process.stdout.write(`      ${message}\n`),
      userDataDir: run.userData,
      // Another VS Code window on the same code-server (its own extension host), e.g. on another folder.
      async openWindow(folder = run.workspace) {
        fs.mkdirSync(folder, { recursive: true });
        const other = await context.newPage();
        other.on('console', (message) => { if (message.type() === 'error') browserErrors.push(message.text()); });
        await other.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
        await other.bringToFront();
        await waitForWorkbench(other);
        return {
          page: other,
          runCommand: (title) => runCommand(other, title),
          waitForNotification: (text, timeout) => waitForNotification(other, text, timeout),
          async waitForStatusBarItem(text, timeout = 60_000) {
            const item = statusBarItem(other, text);
            await item.waitFor({ state: 'visible', timeout });
            return (await item.innerText()).trim();
          },
          openViewContainer: (title) => openViewContainer(other, title),
          screenshot: (name) => screenshot(other, shotName(name)),
        };
      },
    };
    const timeoutMs = test.timeoutMs ?? 180_000;
    let timer;
    await Promise.race([
      test.run(t),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    return { ok: true, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    let shot = '';
    const page = context?.pages()[0];
    if (page) shot = await screenshot(page, shotName(`FAILED-${test.name}`)).catch(() => '');
    return { ok: false, error, shot, browserErrors, seconds: (Date.now() - started) / 1000, serverLog: run.serverLog };
  } finally {
    await context?.close().catch(() => {});
    server?.stop();
    for (const s of syncServers) s.stop();
    await delay(50);
    if (options.keep) log(`kept ${run.root}`);
    else removeRunDir(run);
  }
}

export async function runE2E(options) {
  const targets = selectVscodeTargets(options.vscode);
  ensureCodeServer(targets);
  const files = options.files.length > 0 ? options.files : findFiles(E2E_DIR, (name) => name.endsWith('.e2e.ts'));
  if (files.length === 0) throw new Error('no test/e2e/*.e2e.ts files found');
  const tmp = path.join(ROOT, '.tmp', `e2e-${process.pid}`);
  const unregister = registerCleanup(() => fs.rmSync(tmp, { recursive: true, force: true }));
  try {
    let tests = await loadTests(files, path.join(tmp, 'tests'));
    if (options.grep) {
      const pattern = new RegExp(options.grep);
      tests = tests.filter((test) => pattern.test(test.name));
    }
    let packages = {};
    if (!options.vsix) {
      const t0 = Date.now();
      packages = packageExtension(path.join(tmp, 'packages'), targets);
      const sizes = Object.entries(packages).map(([name, file]) => `${name} ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
      log(`packaged ${sizes.join(', ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    let passed = 0;
    let failed = 0;
    const failures = [];
    const summaries = [];
    for (const target of targets) {
      const vsix = options.vsix || packages[target.package];
      const t0 = Date.now();
      let targetPassed = 0;
      let targetFailed = 0;
      process.stdout.write(`\n  e2e · ${target.label} (code-server ${target.codeServer}, ${path.basename(vsix)})\n`);
      for (const test of tests) {
        const result = await runOne(test, target, vsix, options);
        if (result.ok) {
          targetPassed++;
          process.stdout.write(`    ✔ ${test.name} (${result.seconds.toFixed(1)} s)\n`);
        } else {
          targetFailed++;
          const message = String(result.error?.message || result.error).split('\n').slice(0, 4).join(' | ');
          failures.push({ title: `${test.name} [${target.label}] (${test.file})`, message: message.slice(0, 400) });
          process.stdout.write(`    ✘ ${test.name} [${target.label}] (${test.file}, ${result.seconds.toFixed(1)} s)\n`);
          process.stdout.write(`      ${String(result.error?.stack || result.error).split('\n').join('\n      ')}\n`);
          if (result.shot) process.stdout.write(`      screenshot: ${path.relative(ROOT, result.shot)}\n`);
          for (const line of result.browserErrors.slice(-10)) process.stdout.write(`      [browser error] ${line.split('\n')[0]}\n`);
        }
      }
      passed += targetPassed;
      failed += targetFailed;
      summaries.push(`e2e · ${target.label}: ${targetPassed} passed, ${targetFailed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
    if (summaries.length > 1) for (const line of summaries) log(line);
    process.stdout.write(`e2e: ${passed} passed, ${failed} failed\n`);
    if (options.results) fs.writeFileSync(options.results, JSON.stringify({ passed, failed, pending: 0, failures }));
    return failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    unregister();
  }
}

if (process.argv[1]?.endsWith('run-e2e.mjs')) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    log(error.message);
    process.exit(2);
  }
  runE2E(options).then(
    (code) => process.exit(code),
    (error) => {
      log(error instanceof Error ? error.stack || error.message : String(error));
      process.exit(1);
    },
  );
}
