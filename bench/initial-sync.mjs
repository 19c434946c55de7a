// Initial sync of a 10k- and a 100k-note document from our own sync server, against the time it takes merely to
// fetch and parse the same pages. The server runs in its own process (its data generated once and cached under
// bench/.data/), each client run in another, so that peak RSS is the client's alone.
// The client syncs three ways: @vscode/sqlite3 on the calling thread, node:sqlite on the calling thread, and
// node:sqlite in a worker thread as the extension and the CLI use it (node:sqlite under the Node 24 that
// scripts/setup-code-server.sh caches, unless this Node has it). Each prints the longest stretch the calling thread
// was busy, and each run's CPU time (all its threads) with the machine's load average, since on a busy machine the
// wall times and their ratio say little.
// Usage: npm run bench:sync [-- --sizes 10000,100000] [--ways same-sqlite3,same-node,worker] [--repeat N]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { node24Bin } from '../scripts/lib/codeServer.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench', '.data');
const PASSWORD = 'bench-password';
const argv = process.argv.slice(2);
const sizesArg = argv.includes('--sizes') ? argv[argv.indexOf('--sizes') + 1] : '10000,100000';
const SIZES = sizesArg.split(',').map(Number);
// --ways worker (or same-sqlite3, same-node, worker, comma-separated) and --repeat N: alternate fetch-only and syncs
const waysArg = argv.includes('--ways') ? argv[argv.indexOf('--ways') + 1].split(',') : null;
const REPEAT = argv.includes('--repeat') ? Number(argv[argv.indexOf('--repeat') + 1]) : 1;

const ENTRY = `
export { startSyncServer } from './src/sync/server/syncServer';
export { generateNotes } from './src/sync/server/generateDocument';
export { setupFromServer } from './src/sync/setup';
export { ProtocolClient } from './src/sync/protocolClient';
export { createTransport } from './src/sync/http/transport';
export { systemClock } from './src/storage/types';
export { silentLogger } from './src/sync/logger';
`;

async function bundle() {
  await mkdir(DATA, { recursive: true });
  const outfile = join(DATA, 'bench-core.cjs');
  await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' }, outfile, bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', external: ['vscode', '@vscode/sqlite3'], logLevel: 'warning',
  });
  // the replica's worker, found next to the bundle that starts it
  await esbuild.build({
    entryPoints: [join(ROOT, 'src/storage/worker/replicaWorker.ts')], outfile: join(DATA, 'replicaWorker.js'), bundle: true,
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', '@vscode/sqlite3'], logLevel: 'warning',
  });
  // and the thread that fetches a large pull, likewise
  await esbuild.build({
    entryPoints: [join(ROOT, 'src/sync/pull/fetchWorker.ts')], outfile: join(DATA, 'pullFetchWorker.js'), bundle: true,
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', '@vscode/sqlite3'], logLevel: 'warning',
  });
  return outfile;
}

const hasNodeSqlite = (() => { try { return Boolean(process.getBuiltinModule?.('node:sqlite')); } catch { return false; } })();

function run(args, { captureUrl = false, node = process.execPath, driver } = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(node, [fileURLToPath(import.meta.url), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...(driver ? { TRILIUM_SQLITE_DRIVER: driver } : {}) },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (captureUrl && out.includes('\n')) resolveRun({ child, url: out.split('\n')[0].trim() });
    });
    child.on('exit', (code) => (captureUrl ? undefined : code === 0 ? resolveRun(JSON.parse(out.trim().split('\n').pop() || '{}')) : reject(new Error(`${args[0]} exited with ${code}`))));
  });
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

// ---- child roles ----
async function role() {
  const core = await import(join(DATA, 'bench-core.cjs')).then((m) => m.default ?? m);
  const [name, a, b] = argv;
  if (name === '--generate') {
    const dir = a;
    const server = await core.startSyncServer({ dataDir: dir, password: PASSWORD, syncVersion: 39 });
    const started = Date.now();
    const res = await core.generateNotes(server.replica, { noteCount: Number(b), onProgress: (n) => process.stderr.write(`\r  generating ${n}/${b}`) });
    process.stderr.write('\n');
    await server.close();
    process.stdout.write(JSON.stringify({ ...res, ms: Date.now() - started }) + '\n');
  } else if (name === '--serve') {
    const server = await core.startSyncServer({ dataDir: a, password: PASSWORD, syncVersion: 39 });
    process.stdout.write(server.url + '\n');
    process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
  } else if (name === '--fetch-only') {
    const client = new core.ProtocolClient(core.createTransport({}), a, core.systemClock, core.silentLogger);
    const seed = await client.getSeed(PASSWORD);
    await client.login(seed.documentSecret, seed.syncVersion);
    const started = Date.now();
    const cpu0 = process.cpuUsage();
    let cursor = 0;
    let changes = 0;
    let pages = 0;
    let bytes = 0;
    for (;;) {
      const page = await client.changed('benchFetch01', cursor);
      if (page.entityChanges.length === 0) break;
      changes += page.entityChanges.length;
      bytes += page.bytes;
      pages++;
      cursor = page.lastEntityChangeId;
    }
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(JSON.stringify({ ms: Date.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, load: loadavg()[0], changes, pages, bytes, rss: process.resourceUsage().maxRSS * 1024 }) + '\n');
  } else if (name === '--sync') {
    const thread = b ?? 'same';
    const dir = await mkdtemp(join(tmpdir(), 'trilium-bench-client-'));
    let longestBusy = 0;
    let lastElu = performance.eventLoopUtilization();
    const busyTimer = setInterval(() => {
      longestBusy = Math.max(longestBusy, performance.eventLoopUtilization(lastElu).active);
      lastElu = performance.eventLoopUtilization();
    }, 10);
    const started = Date.now();
    const cpu0 = process.cpuUsage();
    let phase = 'seed';
    const peaks = {};
    const sample = () => {
      const rss = process.memoryUsage.rss();
      peaks[phase] = Math.max(peaks[phase] ?? 0, rss);
    };
    const sampler = setInterval(sample, 100);
    try {
      const { replica, result } = await core.setupFromServer({
        dataDir: dir, serverUrl: a, password: PASSWORD, thread,
        // Round timings (login, pull, push, check) on stderr.
        logger: { ...core.silentLogger, debug: (m) => process.stderr.write(`  ${m}\n`) },
        onProgress: (p) => {
          sample();
          phase = p.phase;
        },
      });
      const ms = Date.now() - started;
      const cpu = process.cpuUsage(cpu0);
      clearInterval(busyTimer);
      const driver = replica.driver;
      await replica.close();
      clearInterval(sampler);
      process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, load: loadavg()[0], pulled: result.pulled, hashCheck: result.hashCheck, rounds: result.rounds, rss: process.resourceUsage().maxRSS * 1024, peaks, longestBusy, driver }) + '\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

async function main() {
  await bundle();
  console.log(`initial sync from our own server (Node ${process.version}, ${(await import('node:os')).cpus().length} cores)`);
  for (const size of SIZES) {
    const dir = join(DATA, `server-${size}`);
    if (!existsSync(join(dir, 'document.db'))) {
      console.log(`${size} notes: generating the server document (cached in ${dir})`);
      const gen = await run(['--generate', dir, String(size)]);
      console.log(`  ${gen.records} entity changes in ${(gen.ms / 1000).toFixed(1)} s`);
    }
    const { child, url } = await run(['--serve', dir], { captureUrl: true });
    try {
      const node24 = hasNodeSqlite ? process.execPath : node24Bin();
      const ways = [
        { key: 'same-sqlite3', label: '@vscode/sqlite3 on the calling thread (the CLI and VS Code 1.100 on Node 20)', node: process.execPath, driver: 'vscode-sqlite3', thread: 'same' },
        { key: 'same-node', label: 'node:sqlite on the calling thread', node: node24, driver: 'node-sqlite', thread: 'same' },
        { key: 'worker', label: 'node:sqlite in a worker (current VS Code, the CLI on Node ≥ 22.13)', node: node24, driver: 'node-sqlite', thread: 'worker' },
      ].filter((w) => !waysArg || waysArg.includes(w.key));
      const ratios = new Map(ways.map((w) => [w.key, []]));
      for (let rep = 1; rep <= REPEAT; rep++) {
        if (REPEAT > 1) console.log(`run ${rep} of ${REPEAT}`);
        const fetch = await run(['--fetch-only', url]);
        console.log(`${size} notes, ${fetch.changes} entity changes in ${fetch.pages} pages (${mb(fetch.bytes)} of JSON):`);
        console.log(`  fetch+parse only: ${(fetch.ms / 1000).toFixed(1)} s (${Math.round(fetch.changes / (fetch.ms / 1000))} changes/s), CPU ${(fetch.cpuMs / 1000).toFixed(1)} s, peak RSS ${mb(fetch.rss)}; load average ${fetch.load.toFixed(2)}`);
        for (const way of ways) {
          const sync = await run(['--sync', url, way.thread], { node: way.node, driver: way.driver });
          const ratio = sync.ms / fetch.ms;
          ratios.get(way.key).push(ratio);
          console.log(`  ${way.label} (SQLite ${sync.driver.sqliteVersion}): ${(sync.ms / 1000).toFixed(1)} s (${Math.round(sync.pulled / (sync.ms / 1000))} changes/s), ` +
            `${ratio.toFixed(2)}× fetch-only (target ≤ 1.05), peak RSS ${mb(sync.rss)}, hash check ${sync.hashCheck}, ${sync.rounds} round(s); ` +
            `longest busy stretch of the calling thread ${Math.round(sync.longestBusy)} ms; CPU ${(sync.cpuMs / 1000).toFixed(1)} s (all threads), load average ${sync.load.toFixed(2)}`);
          console.log(`    peak RSS by phase: ${Object.entries(sync.peaks).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}`);
        }
      }
      if (REPEAT > 1) {
        for (const way of ways) {
          const r = ratios.get(way.key).slice().sort((x, y) => x - y);
          console.log(`  ${way.key}: ratios ${ratios.get(way.key).map((x) => x.toFixed(2)).join(' / ')}, median ${r[Math.floor(r.length / 2)].toFixed(2)}×`);
        }
      }
    } finally {
      child.kill('SIGTERM');
    }
  }
}

if (argv[0]?.startsWith('--') && ['--generate', '--serve', '--fetch-only', '--sync'].includes(argv[0])) await role();
else await main();
