#!/usr/bin/env node
// Runs the extension-host test layer inside real VS Codes: the remote Node extension host of code-server 4.100.3
// (VS Code 1.100.3, Node 20) and of the newest code-server (Node 24), opened by headless chromium with the `payload`
// parameter (extensionDevelopmentPath + extensionTestsPath), the same way VS Code runs its own browser tests.
//
//   node scripts/run-exthost-tests.mjs [--vscode all|oldest|newest|1.100|1.139] [--grep PATTERN] [--settings JSON]
//                                      [--timeout MS] [--keep] [--verbose] [FILE...]
//
// FILE: test/exthost/**/*.test.ts files to run (default: all). --vscode: which VS Codes (default: all, in turn).
// --settings: user settings for the run, merged over the defaults. Environment variables of this process reach the
// extension host unchanged.
//
// Also works as a stand-in "VS Code executable" for @vscode/test-electron (see scripts/code-test-shim): when
// --extensionTestsPath=... is given, nothing is bundled and that module's run() is used as is.
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import {
  ROOT,
  createRunDir,
  selectVscodeTargets,
  ensureCodeServer,
  log,
  registerCleanup,
  removeRunDir,
  startCodeServer,
  writeUserSettings,
} from './lib/codeServer.mjs';
import { enableSmokeTestDriver, launchBrowser } from './lib/browser.mjs';
import { buildExtension, bundleTests, findExthostTests } from './lib/exthostBundle.mjs';
import { createStackMapper } from './lib/stackMapper.mjs';

const RUNNER_STARTED = 'trilium-exthost-runner: started';
// Workbench errors of an offline machine: the extension gallery, and (1.139) the GitHub sign-in of the Chat view.
const OFFLINE_NOISE = /open-vsx\.org|authentication provider 'github'/;

function parseArgs(argv) {
  const options = {
    files: [], grep: undefined, settings: {}, timeout: 600_000, keep: false, verbose: false, results: undefined,
    vscode: process.env.TRILIUM_VSCODE || 'all',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--grep': case '-g': options.grep = value(); break;
      case '--vscode': options.vscode = value(); break;
      case '--settings': options.settings = { ...options.settings, ...JSON.parse(value()) }; break;
      case '--timeout': options.timeout = Number(value()); break;
      case '--results': options.results = path.resolve(value()); break;
      case '--keep': options.keep = true; break;
      case '--verbose': options.verbose = true; break;
      // @vscode/test-electron / test-cli flags (shim mode)
      case '--extensionDevelopmentPath': options.extensionDevelopmentPath = path.resolve(value()); break;
      case '--extensionTestsPath': options.extensionTestsPath = path.resolve(value()); break;
      // each run uses its own fresh dirs
      case '--extensions-dir': case '--user-data-dir': value(); break;
      case '--help': case '-h':
        process.stdout.write(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 15).join('\n') + '\n');
        process.exit(0);
      default:
        // other VS Code desktop flags (--no-sandbox, --disable-gpu-sandbox, --skip-welcome, ...) mean nothing here
        if (arg.startsWith('-')) break;
        options.files.push(path.resolve(arg));
    }
  }
  if (options.extensionTestsPath) {
    // shim mode: positional arguments are the folder to open, as for VS Code
    options.folder = options.files[0];
    options.files = [];
  }
  return options;
}

/** Runs the tests in each selected VS Code in turn; resolves to 0 when every one passed. */
export async function runExtensionHostTests(options) {
  const targets = selectVscodeTargets(options.vscode);
  ensureCodeServer(targets);
  const shimMode = Boolean(options.extensionTestsPath);
  const bundleDir = path.join(ROOT, '.tmp', `exthost-${process.pid}`);
  const prepared = { extensionPath: options.extensionDevelopmentPath || ROOT, testsPath: options.extensionTestsPath, env: {}, bundleDir };
  try {
    if (!shimMode) {
      const files = options.files.length > 0 ? options.files : findExthostTests();
      if (files.length === 0) throw new Error('no test/exthost/**/*.test.ts files found');
      for (const file of files) if (!fs.existsSync(file)) throw new Error(`no such test file: ${file}`);
      buildExtension();
      registerCleanup(() => fs.rmSync(bundleDir, { recursive: true, force: true }));
      const bundled = await bundleTests(files, bundleDir);
      prepared.testsPath = path.join(bundleDir, 'index.js');
      prepared.env.TRILIUM_TEST_FILES = JSON.stringify(bundled);
      if (options.grep) prepared.env.TRILIUM_TEST_GREP = options.grep;
    }
    const outcomes = [];
    for (const target of targets) {
      const started = Date.now();
      const outcome = await runInVscode(target, prepared, options).catch((error) => {
        log(`${target.label}: ${error instanceof Error ? error.stack || error.message : error}`);
        return { code: 1, counts: undefined, seconds: (Date.now() - started) / 1000 };
      });
      outcomes.push({ target, ...outcome });
    }
    const total = { passed: 0, failed: 0, pending: 0, failures: [] };
    for (const { target, counts } of outcomes) {
      total.passed += counts?.passed ?? 0;
      total.failed += counts?.failed ?? 0;
      total.pending += counts?.pending ?? 0;
      for (const failure of counts?.failures ?? []) total.failures.push({ ...failure, title: `${failure.title} [${target.label}]` });
    }
    if (options.results) fs.writeFileSync(options.results, JSON.stringify(total));
    if (outcomes.length > 1) {
      for (const { target, counts, code, seconds } of outcomes) {
        const summary = counts ? `${counts.passed} passed, ${counts.failed} failed` : 'no results';
        log(`${target.label}: ${summary}, exit ${code} (${seconds.toFixed(1)} s)`);
      }
    }
    return outcomes.every((outcome) => outcome.code === 0) ? 0 : 1;
  } finally {
    fs.rmSync(bundleDir, { recursive: true, force: true });
  }
}

/** One VS Code: a fresh code-server and browser, the tests, their exit code and counts. */
async function runInVscode(target, prepared, options) {
  const started = Date.now();
  const shimMode = Boolean(options.extensionTestsPath);
  const run = createRunDir('x', { vscode: target });
  run.keep = options.keep;
  const resultsFile = path.join(run.root, 'results.json');
  const env = {
    ...prepared.env,
    TRILIUM_TEST_RESULTS: resultsFile,
    TRILIUM_TEST_COLOR: process.stdout.isTTY ? '1' : '',
    // what test/exthost/smoke.test.ts checks the extension host against
    TRILIUM_EXPECT_VSCODE: target.vscode,
    TRILIUM_EXPECT_NODE_MAJOR: target.nodeMajor,
  };
  let server;
  let context;
  try {
    writeUserSettings(run, options.settings);
    log(`${target.label}: starting code-server ${target.codeServer} (run dir ${run.root})`);
    const folder = options.folder || run.workspace;
    server = await startCodeServer(run, { env, folder, verbose: options.verbose });
    log(`code-server at ${server.url}; launching chromium`);

    context = await launchBrowser(run);
    registerCleanup(() => context.close().catch(() => {}));
    // VS Code 1.101+ honours the payload's development/test entries only with the smoke-test driver enabled
    await enableSmokeTestDriver(context);
    const page = context.pages()[0] || (await context.newPage());

    let finish;
    const exitCode = new Promise((resolve) => (finish = resolve));
    // The workbench forwards its own console and the extension host's here. Until the test runner announces
    // itself only errors get through (the offline gallery lookup excepted), unless --verbose.
    let testsStarted = false;
    const mapStack = createStackMapper(prepared.bundleDir);
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = mapStack(util.format(...(Array.isArray(args) ? args : [args])));
      if (line.includes(RUNNER_STARTED)) {
        testsStarted = true;
        process.stdout.write(`\n  [${target.label}]\n`);
        return;
      }
      const show = options.verbose || testsStarted || (type === 'error' && !OFFLINE_NOISE.test(line));
      if (show) (type === 'error' ? process.stderr : process.stdout).write(line + '\n');
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code)));
    page.on('crash', () => finish(1));
    page.on('close', () => finish(1));
    if (options.verbose) page.on('console', (message) => process.stderr.write(`[browser] ${message.text()}\n`));

    const host = new URL(server.url).host;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${host}${prepared.extensionPath}`],
      ['extensionTestsPath', `vscode-remote://${host}${prepared.testsPath}`],
    ];
    const url = `${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    const timer = setTimeout(() => {
      log(`timed out after ${options.timeout} ms`);
      finish(1);
    }, options.timeout);
    let code = await exitCode;
    clearTimeout(timer);

    const counts = readResults(resultsFile);
    if (!shimMode) {
      if (!counts) {
        log('the extension host wrote no results (did the test runner load?)');
        code = code || 1;
      } else if (counts.passed + counts.failed === 0) {
        log('no tests ran');
        code = code || 1;
      }
    }
    const seconds = (Date.now() - started) / 1000;
    log(`${target.label}: extension host exited with ${code} after ${seconds.toFixed(1)} s`);
    return { code, counts, seconds };
  } finally {
    await context?.close().catch(() => {});
    server?.stop();
    if (options.keep) log(`kept ${run.root}`);
    else removeRunDir(run);
  }
}

function readResults(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('run-exthost-tests.mjs')) {
  const options = parseArgs(process.argv.slice(2));
  runExtensionHostTests(options).then(
    (code) => process.exit(code),
    (error) => {
      log(error instanceof Error ? error.stack || error.message : String(error));
      process.exit(1);
    },
  );
}
