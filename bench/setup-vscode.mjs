#!/usr/bin/env node
// "Set Up Sync from Server" of the 100k-note document in a real VS Code (code-server's extension host) against
// `trilium-sync setup` in the CLI, in one run, from the same server process: the time to "synced" of each, their
// ratio (target ≤ 1.1), and the longest stretch the extension host's thread was busy (target < 50 ms).
// The server document is bench/initial-sync.mjs's (generated once, cached in bench/.data/). Also prints the CPU time
// each side used (the CLI's with /usr/bin/time where there is one; in VS Code per process role, from /proc) and the
// machine's load, since on a busy machine the wall times say little.
// The extension host's longest stretch is printed with what made it long: the thread's own CPU in it, how long it
// waited for a core (schedstat), the sync phase, and with TRILIUM_BENCH_CPU_PROFILE=FILE the functions that ran; and
// the OS priorities used: the nice value of each of the extension host's threads (the replica's worker runs
// TRILIUM_WORKER_NICE steps below the host, default src/storage/worker/threadPriority.ts) and of the sync server.
// VS Code's own start-up work in the extension host (file searches that spawn ripgrep; a spawn holds the thread until
// the child runs, 16-357 ms each on a loaded machine) is waited out before the set-up (TRILIUM_BENCH_SETTLE=0: not);
// every process the extension host starts is printed, and the longest stretch without one in it.
// Usage: node bench/setup-vscode.mjs [--notes 100000] [--vscode newest|oldest] [--server-nice N]
//   --server-nice N: runs the sync server N nice steps below this script (default 10; 0 for the same priority). In
//   real use the server is on another machine; here it shares the 2 cores and, at the same priority, the extension
//   host waits for a core behind it. Both the CLI and VS Code set up from that one server process.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { node24Bin, selectVscodeTargets } from '../scripts/lib/codeServer.mjs';
import { runExthostBench } from './lib/exthostBench.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const NOTES = Number(opt('--notes', '100000'));
const VSCODE = opt('--vscode', 'newest');
const SERVER_NICE = Number(opt('--server-nice', '10'));
const PASSWORD = 'bench-password';
const serverDir = path.join(ROOT, 'bench', '.data', `server-${NOTES}`);

spawnSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'ignore' });
if (!existsSync(path.join(serverDir, 'document.db'))) {
  console.log(`generating the ${NOTES}-note server document (once) with bench/initial-sync.mjs`);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'initial-sync.mjs'), '--sizes', String(NOTES)], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

const target = selectVscodeTargets(VSCODE)[0];
const nodeForTarget = target.node === 'node-24' ? node24Bin() : process.execPath;
const serverArgs = [path.join(ROOT, 'dist', 'server.js'), '--data', serverDir, '--port', '0', '--password', PASSWORD];
// --server-nice: through nice(1), so that every thread of the server starts at that priority, and in a session of its
// own whose nice is set too: where Linux groups the scheduling by session (autogroup), a process's nice counts only
// against the processes of its own session.
const server = SERVER_NICE > 0
  ? spawn('nice', ['-n', String(SERVER_NICE), process.execPath, ...serverArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true })
  : spawn(process.execPath, serverArgs, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
process.on('exit', () => server.kill('SIGTERM'));
let serverGroup = '';
if (SERVER_NICE > 0) {
  try {
    writeFileSync(`/proc/${server.pid}/autogroup`, String(SERVER_NICE));
    serverGroup = `, its session's scheduling group ${readFileSync(`/proc/${server.pid}/autogroup`, 'utf8').trim()}`;
  } catch {
    serverGroup = ', no session scheduling group (no autogroup here)';
  }
}
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`server exited (${code})`)));
});

/** CPU seconds (user + system) a live process has used so far, from /proc; undefined elsewhere. */
function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}
/** Reads the CPU seconds of each thread of `pid` into `seen` (tid → name and seconds), on Linux. */
function readThreads(pid, seen) {
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seen.set(tid, { name: Number(tid) === pid ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), s: (Number(f[11]) + Number(f[12])) / 100 });
    }
  } catch {
    // the process or a thread ended between the reads
  }
}

/**
 * Runs a command to its end, reading the CPU of the threads of the Node process it is (or starts, under
 * /usr/bin/time) every 100 ms: CPU seconds by thread name, as of each thread's last reading.
 */
function runWatchingThreads(command, args, opts) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const seen = new Map();
    const nodePid = () => {
      if (command !== TIME) return child.pid;
      try {
        return Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0]) || undefined;
      } catch {
        return undefined;
      }
    };
    const timer = setInterval(() => { const pid = nodePid(); if (pid) readThreads(pid, seen); }, 100);
    child.on('close', (status) => {
      clearInterval(timer);
      const threads = {};
      for (const t of seen.values()) threads[t.name] = (threads[t.name] ?? 0) + t.s;
      resolve({ status, stdout, stderr, threads });
    });
  });
}

const TIME = '/usr/bin/time';
const s1 = (x) => (x === undefined ? '?' : x.toFixed(1));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const niceOf = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  } catch {
    return undefined;
  }
};
const priorities = `OS priorities (nice): this script ${niceOf(process.pid) ?? '?'}, the sync server ${niceOf(server.pid) ?? '?'}${serverGroup}` +
  `${SERVER_NICE > 0 ? ` (--server-nice ${SERVER_NICE}: in real use it runs on another machine)` : ''}; ` +
  `the replica worker TRILIUM_WORKER_NICE=${process.env.TRILIUM_WORKER_NICE ?? '(default)'} steps below its host, in the CLI and in VS Code alike`;
console.log(priorities);

try {
  // The CLI, on the same Node as that VS Code's extension host, so both use the same SQLite driver.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'trilium-cli-setup-'));
  const cliArgs = [path.join(ROOT, 'dist', 'cli.js'), 'setup', '--server', url, '--data', dataDir];
  const timed = existsSync(TIME);
  const serverBefore = cpuSecondsOf(server.pid);
  const loadBefore = load();
  const t0 = Date.now();
  const cli = await runWatchingThreads(timed ? TIME : nodeForTarget, timed ? ['-f', 'CPU %U %S', nodeForTarget, ...cliArgs] : cliArgs, {
    env: { ...process.env, TRILIUM_PASSWORD: PASSWORD },
  });
  const cliMs = Date.now() - t0;
  const cliServerCpu = serverBefore === undefined ? undefined : cpuSecondsOf(server.pid) - serverBefore;
  rmSync(dataDir, { recursive: true, force: true });
  if (cli.status !== 0) throw new Error(`trilium-sync setup failed: ${cli.stderr || cli.stdout}`);
  const cpuLine = /CPU ([\d.]+) ([\d.]+)/.exec(cli.stderr ?? '');
  const cliCpu = cpuLine ? Number(cpuLine[1]) + Number(cpuLine[2]) : undefined;

  // code-server runs its extension host as a "remote" one, so VS Code scans /proc for ports to forward
  // (findCandidatePorts: 0.8-1.8 s of the extension host's CPU per set-up, in synchronous stretches of 165-219 ms).
  // Desktop VS Code with a local extension host does not do that, so the bench turns it off and says so (code-server
  // has a tunnel provider, with which VS Code keeps scanning unless the source of ports is "output" too).
  const settings = { 'remote.autoForwardPorts': false, 'remote.autoForwardPortsSource': 'output' };
  console.log(`VS Code user settings for the run: ${JSON.stringify(settings)} (code-server's port detection is VS Code's, not the extension's)`);
  const { code, figures } = await runExthostBench(['--vscode', VSCODE, '--settings', JSON.stringify(settings), path.join(ROOT, 'test', 'exthost', 'setupBench.bench.ts')], {
    TRILIUM_BENCH_SERVER_URL: url, TRILIUM_BENCH_PASSWORD: PASSWORD, TRILIUM_BENCH_SERVER_PID: String(server.pid),
  });
  const vs = figures.find((f) => f.name.startsWith('set up'));
  const stall = figures.find((f) => f.name.startsWith('extension host'));
  const cpu = figures.find((f) => f.name.startsWith('cpu'));
  console.log(`Set Up Sync from Server, ${NOTES} notes, VS Code ${target.vscode} (code-server ${target.codeServer}):`);
  console.log(`  trilium-sync setup (CLI, Node ${spawnSync(nodeForTarget, ['--version'], { encoding: 'utf8' }).stdout.trim()}): ${(cliMs / 1000).toFixed(1)} s; ` +
    `CPU: the CLI ${s1(cliCpu)} s, the sync server ${s1(cliServerCpu)} s; load average before ${loadBefore}`);
  const cliThreads = Object.entries(cli.threads).filter(([, sec]) => sec >= 0.05).sort((a, b) => b[1] - a[1]).map(([name, sec]) => `${name} ${sec.toFixed(1)} s`).join(', ');
  if (cliThreads) console.log(`    the CLI's threads (read every 100 ms): ${cliThreads}`);
  if (vs) {
    console.log(`  VS Code to "synced": ${(vs.ms / 1000).toFixed(1)} s (${vs.driver}, SQLite ${vs.sqlite}, ${vs.notes} notes) → ${(vs.ms / cliMs).toFixed(2)}× the CLI (target ≤ 1.10)`);
  }
  if (cpu) {
    const roles = Object.entries(cpu.byRole ?? {}).sort((a, b) => b[1] - a[1]).map(([role, sec]) => `${role} ${sec.toFixed(1)} s`).join(', ');
    console.log(`    CPU during it: ${roles || 'n/a'}; load average after ${load()}`);
    const threads = Object.entries(cpu.byThread ?? {}).filter(([, sec]) => sec >= 0.05).sort((a, b) => b[1] - a[1]).map(([name, sec]) => `${name} ${sec.toFixed(1)} s`).join(', ');
    if (threads) console.log(`    the extension host's threads: ${threads}`);
  }
  const tail = figures.find((f) => f.name.startsWith('from the content check'));
  if (tail) console.log(`    of which from the content check to "synced" (hashes, then the document opening in VS Code): ${(tail.ms / 1000).toFixed(2)} s`);
  if (stall) {
    const known = (x, unit = ' ms') => (x === undefined || x === null ? 'n/a' : `${x}${unit}`);
    console.log(`  extension host: longest busy stretch ${stall.ms} ms wall (target < 50 ms); in it the thread's own CPU ${known(stall.threadCpuMs)}, ` +
      `waiting for a core ${known(stall.waitedForCoreMs)}, page faults read from disk ${known(stall.majorFaults, '')}, garbage collection ${known(stall.gcMs)} (${stall.gcKinds ?? 'n/a'}); during: ${stall.during ?? 'n/a'}`);
    console.log(`    ${stall.ticks} ticks of 10 ms, ${stall.over50} stretches ≥ 50 ms, 99th percentile ${stall.p99BusyMs} ms, longest timer gap ${stall.longestGapMs} ms`);
    if (stall.gcTotals) console.log(`    garbage collections of the extension host's thread during the set-up: ${stall.gcTotals}`);
    console.log(`    the longest stretch began ${stall.longestFromMs} ms into the set-up; ` + (stall.settled
      ? `the set-up began after VS Code's start-up work in the extension host had settled (${stall.settled.quiet ? 'quiet' : 'NOT quiet'} after ${stall.settled.waitedMs} ms; TRILIUM_BENCH_SETTLE=0 to start at once)`
      : 'the set-up began right after the extension activated (TRILIUM_BENCH_SETTLE=0)'));
    for (const sp of stall.spawns ?? []) console.log(`    the extension host started a process ${Math.abs(sp.atMs)} ms ${sp.atMs < 0 ? 'before' : 'into'} the set-up, holding its thread ${sp.ms} ms: ${sp.command} (from ${sp.from})`);
    const own = stall.longestOwn;
    if (own) {
      console.log(`    the longest stretch with no process started by VS Code in it: ${own.busyMs} ms wall (target < 50 ms), ${own.fromMs} ms into the set-up; ` +
        `in it the thread's own CPU ${known(own.threadCpuMs)}, waiting for a core ${known(own.waitedForCoreMs)}, page faults read from disk ${known(own.majorFaults, '')}, garbage collection: ${own.gcKinds ?? 'n/a'}; during: ${own.during}`);
    }
    if (stall.running) console.log(`    running on the host's thread then (CPU profile): ${stall.running.join('; ') || 'no samples'}`);
    const most = stall.mostCpu;
    if (most) {
      console.log(`    the stretch with the most CPU of the host's thread: ${most.threadCpuMs} ms CPU in ${most.busyMs} ms wall, garbage collection: ${most.gcKinds ?? 'n/a'}; during: ${most.during}`);
      if (most.running) console.log(`      running then (CPU profile): ${most.running.join('; ') || 'no samples'}`);
    }
    if (stall.priorities) {
      const others = Object.entries(stall.priorities.others).map(([name, nices]) => `${name} ${[...new Set(nices)].join('/')}`).join(', ');
      console.log(`    nice of the extension host's threads: main ${stall.priorities.host}; ${others}`);
    }
  }
  if (code !== 0 || !vs) process.exitCode = 1;
} finally {
  server.kill('SIGTERM');
}
