#!/usr/bin/env node
// `npm start`: build and package the extension, start the demo sync server with sample notes, start the newest
// code-server (scripts/lib/vscode-targets.json, on Node 24) on 127.0.0.1:$PORT (default 8080) with the universal
// package installed and pointed at that server, and print the URL and the VS Code version.
// Ctrl+C stops everything. Each start is fresh: the demo document and VS Code state live in a temporary directory.
//
//   node scripts/start.mjs [--check] [--keep] [--vscode newest|1.100]
//
// --check: start on a free port, open the workbench in headless chromium, write test-results/start.png, stop.
// --vscode: another VS Code of the test matrix (1.100: code-server 4.100.3 with the linux-x64 package).
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import {
  ROOT,
  codeServerVersion,
  createRunDir,
  ensureCodeServer,
  installExtension,
  log,
  removeRunDir,
  selectVscodeTargets,
  startCodeServer,
  writeUserSettings,
} from './lib/codeServer.mjs';
import { SERVER_BUNDLE, startDemoSyncServer } from './lib/syncServer.mjs';
import { RESULTS_DIR, openViewContainer, statusBarItem, waitForWorkbench } from './lib/workbench.mjs';
import { packageExtension } from './lib/packageVsix.mjs';

const check = process.argv.includes('--check');
const keep = process.argv.includes('--keep');
const password = process.env.TRILIUM_DEMO_PASSWORD || 'demo';

const vscodeFlag = process.argv.indexOf('--vscode');
const [vscode] = selectVscodeTargets(vscodeFlag > 0 ? process.argv[vscodeFlag + 1] : 'newest');
ensureCodeServer([vscode]);
const run = createRunDir('start', { vscode });
run.keep = keep;
let demo;
let server;
try {
  log('building and packaging the extension');
  const vsix = packageExtension(path.join(run.root, 'packages'), [vscode])[vscode.package];
  installExtension(run, vsix);
  log(`installed ${path.basename(vsix)} into code-server ${codeServerVersion(run) || vscode.codeServer}`);

  const settings = {};
  const env = {};
  if (fs.existsSync(SERVER_BUNDLE)) {
    demo = await startDemoSyncServer({ dataDir: path.join(run.root, 'demo-server'), password, sampleNotes: true });
    log(`demo sync server with sample notes at ${demo.url} (password "${password}")`);
    settings['trilium.sync.serverUrl'] = demo.url;
    // The extension reads these once, only to set itself up from the demo server (src/setup/demo.ts).
    env.TRILIUM_DEMO_SERVER_URL = demo.url;
    env.TRILIUM_DEMO_PASSWORD = password;
  } else {
    log('dist/server.js is not built yet: starting without a demo sync server (the Trilium view shows its welcome)');
  }
  writeUserSettings(run, settings);

  const port = check ? Number(process.env.PORT || 0) : Number(process.env.PORT || 8080);
  server = await startCodeServer(run, { port, env }).catch((error) => {
    throw new Error(`${error.message}\n(is port ${port} in use? set PORT=NNNN)`);
  });
  const url = `${server.url}/?folder=${encodeURIComponent(run.workspace)}`;

  if (check) {
    process.exitCode = await screenshotCheck(url);
  } else {
    process.stdout.write(`\nTrilium for VS Code is running in ${vscode.label} (code-server ${vscode.codeServer}). Open:\n\n  ${url}\n\nPress Ctrl+C to stop.\n`);
    await new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      server.process.once('exit', resolve);
    });
  }
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  server?.stop();
  demo?.stop();
  if (keep) log(`kept ${run.root}`);
  else removeRunDir(run);
}

/** Opens the workbench, checks the Trilium view and status bar item (and the note tree when a demo server runs). */
async function screenshotCheck(url) {
  const context = await launchBrowser(run);
  const page = context.pages()[0] || (await context.newPage());
  const shot = path.join(RESULTS_DIR, 'start.png');
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  try {
    await page.goto(url);
    await waitForWorkbench(page);
    await openViewContainer(page, 'Trilium');
    await statusBarItem(page, 'Trilium').waitFor({ state: 'visible', timeout: 60_000 }).catch(async () => {
      // the sync item may show only an icon and a time; accept any item the extension contributed
      await page.locator('.part.statusbar [id*="trilium" i]').first().waitFor({ state: 'visible', timeout: 5_000 });
    });
    let rows = 0;
    if (demo) {
      const row = page.locator('.part.sidebar .pane', { hasText: 'Notes' }).locator('.monaco-list-row').first();
      await row.waitFor({ state: 'visible', timeout: 90_000 });
      rows = await page.locator('.part.sidebar .pane', { hasText: 'Notes' }).locator('.monaco-list-row').count();
    }
    await page.waitForTimeout(1000);
    await page.screenshot({ path: shot });
    log(`ok: workbench, Trilium view and status bar item${demo ? `, ${rows} note tree rows` : ' (welcome view, no demo server)'}; screenshot ${path.relative(ROOT, shot)}`);
    return 0;
  } catch (error) {
    await page.screenshot({ path: shot }).catch(() => {});
    log(`check failed: ${error instanceof Error ? error.message : error}; screenshot ${path.relative(ROOT, shot)}`);
    return 1;
  } finally {
    await context.close().catch(() => {});
  }
}
