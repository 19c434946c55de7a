// Peak memory of the CLI when one huge file note is pushed to and pulled from our own sync server.
// The server and every CLI command run in their own processes; the peak RSS printed is the CLI's alone
// (process.resourceUsage().maxRSS, read as the process exits). Target: under ~3× the note's size.
// With --trace, the RSS of the push and the pull is sampled every 5 ms from /proc and printed as a timeline (Linux).
// Usage: npm run bench:huge [-- --mb 100] [-- --node /path/to/node] [-- --trace]
import { spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, existsSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench', '.data', 'huge');
const PASSWORD = 'bench-password';
const argv = process.argv.slice(2);
const flag = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const MB = Number(flag('--mb', '100'));
const NODE = flag('--node', process.execPath);
const BYTES = MB * 1024 * 1024;
const TRACE = argv.includes('--trace');

const SERVER_RSS_FILE = join(OUT, `rss-server-${process.pid}.txt`);
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function bundle() {
  await mkdir(OUT, { recursive: true });
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', '@vscode/sqlite3'], logLevel: 'warning' };
  await esbuild.build({ ...common, entryPoints: [join(ROOT, 'src/cli.ts')], outfile: join(OUT, 'cli.js') });
  await esbuild.build({ ...common, entryPoints: [join(ROOT, 'src/sync/server/main.ts')], outfile: join(OUT, 'server.js') });
  // The replica's worker thread is looked up next to the bundle that starts it.
  const worker = join(ROOT, 'src/storage/worker/replicaWorker.ts');
  if (existsSync(worker)) await esbuild.build({ ...common, entryPoints: [worker], outfile: join(OUT, 'replicaWorker.js') });
  // and so is the thread that fetches a large pull
  await esbuild.build({ ...common, entryPoints: [join(ROOT, 'src/sync/pull/fetchWorker.ts')], outfile: join(OUT, 'pullFetchWorker.js') });
  await esbuild.build({ stdin: { contents: PEAK_RSS_PRELOAD, loader: 'js' }, outfile: join(OUT, 'peak-rss.cjs'), logLevel: 'warning' });
}

// Loaded with `node -r` into each CLI process: writes its peak RSS (bytes) to $BENCH_PEAK_RSS_FILE on exit.
const PEAK_RSS_PRELOAD = `
process.on('exit', () => {
  const u = process.resourceUsage();
  if (process.env.BENCH_PEAK_RSS_FILE) require('node:fs').writeFileSync(process.env.BENCH_PEAK_RSS_FILE, JSON.stringify({ rss: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
});
`;

/** Random bytes (incompressible, like a video or a PDF), made once and cached. */
function noteFile() {
  const file = join(OUT, `note-${MB}mb.bin`);
  if (existsSync(file)) return file;
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < MB; i++) writeSync(fd, randomFillSync(chunk));
  closeSync(fd);
  return file;
}

async function sha256(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

/** Runs one CLI command; returns its stdout, peak RSS and wall time. */
async function cli(args, { stdoutFile, trace = false } = {}) {
  const rssFile = join(OUT, `rss-${process.pid}.txt`);
  await rm(rssFile, { force: true });
  const started = Date.now();
  const child = spawn(NODE, ['-r', join(OUT, 'peak-rss.cjs'), join(OUT, 'cli.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TRILIUM_PASSWORD: PASSWORD, BENCH_PEAK_RSS_FILE: rssFile, NODE_PATH: join(ROOT, 'node_modules') },
  });
  const out = [];
  let err = '';
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => (err += d));
  const samples = [];
  const sampler = TRACE && trace ? setInterval(() => samples.push([Date.now() - started, rssOf(child.pid)]), 5) : undefined;
  const code = await new Promise((r) => child.on('exit', r));
  clearInterval(sampler);
  const ms = Date.now() - started;
  if (sampler) printTimeline(args[0], samples);
  if (code !== 0) throw new Error(`trilium-sync ${args[0]} exited with ${code}: ${err.trim()}`);
  const stdout = Buffer.concat(out);
  if (stdoutFile) await import('node:fs/promises').then((fs) => fs.writeFile(stdoutFile, stdout));
  const { rss, cpuMs } = JSON.parse(await readFile(rssFile, 'utf8'));
  return { stdout: stdout.length < 4096 ? stdout.toString('utf8') : '', rss, cpuMs, ms };
}

/** RSS of a running process in bytes, and the part of it that maps files (its code); 0 once it is gone. */
function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]) * 1024;
    return { rss: kb('VmRSS'), file: kb('RssFile') };
  } catch {
    return { rss: 0, file: 0 };
  }
}

/** The samples where RSS moved by a tenth of the note or more since the last one printed, and the peak. */
function printTimeline(command, samples) {
  let shown = -Infinity;
  let peak = [0, 0, 0];
  const points = [];
  for (const [t, { rss, file }] of samples) {
    if (rss > peak[1]) peak = [t, rss, file];
    if (rss && Math.abs(rss - shown) >= BYTES / 10) {
      points.push(`${t}ms ${mb(rss)}`);
      shown = rss;
    }
  }
  console.log(`  trace of ${command}: ${points.join(' → ')}; sampled peak ${mb(peak[1])} (${mb(peak[2])} of it file-backed) at ${peak[0]} ms`);
}

function startServer(dataDir) {
  return new Promise((resolveStart, reject) => {
    const child = spawn(NODE, ['-r', join(OUT, 'peak-rss.cjs'), join(OUT, 'server.js'), '--data', dataDir, '--password', PASSWORD], {
      stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), BENCH_PEAK_RSS_FILE: SERVER_RSS_FILE },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolveStart({ child, url: out.split('\n')[0].trim() });
    });
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}`))); // ignored once it started
  });
}

async function main() {
  await bundle();
  const file = noteFile();
  const fileHash = await sha256(file);
  const nodeVersion = await new Promise((r) => {
    const c = spawn(NODE, ['-v']);
    let v = '';
    c.stdout.on('data', (d) => (v += d));
    c.on('exit', () => r(v.trim()));
  });
  console.log(`one ${MB} MB file note through the CLI and our own server (Node ${nodeVersion}); peak RSS of the CLI process`);
  const tmp = await mkdtemp(join(tmpdir(), 'trilium-bench-huge-'));
  const { child, url } = await startServer(join(tmp, 'server'));
  try {
    const base = await cli(['setup', '--server', url, '--data', join(tmp, 'a')]);
    const created = await cli(['create', '--data', join(tmp, 'a'), '--parent', 'root', '--title', 'Huge file', '--type', 'file',
      '--mime', 'application/octet-stream', '--content-file', file]);
    const noteId = created.stdout.trim();
    const push = await cli(['sync', '--data', join(tmp, 'a')], { trace: true });
    const pull = await cli(['setup', '--server', url, '--data', join(tmp, 'b')], { trace: true });
    const verify = await cli(['verify', '--data', join(tmp, 'b')]);
    const copy = join(tmp, 'pulled.bin');
    await cli(['cat', noteId, '--data', join(tmp, 'b')], { stdoutFile: copy });
    const same = (await sha256(copy)) === fileHash;
    const line = (name, r) => `  ${name.padEnd(34)} peak RSS ${mb(r.rss).padStart(7)}  = ${(r.rss / BYTES).toFixed(2)}× the note  (${(r.ms / 1000).toFixed(1)} s, CPU ${(r.cpuMs / 1000).toFixed(1)} s)`;
    // what the note adds to the process's own size (the small setup's peak): whole copies of the note held at once
    const above = (r) => `; above the small setup's peak: ${((r.rss - base.rss) / BYTES).toFixed(2)}× the note`;
    console.log(line('setup of the small document', base));
    console.log(line(`push (sync with the ${MB} MB note)`, push) + above(push));
    console.log(line(`pull (setup with the ${MB} MB note)`, pull) + above(pull));
    const worst = Math.max(push.rss, pull.rss) / BYTES;
    console.log(`  1/5/15-min load average at the end: ${loadavg().map((x) => x.toFixed(1)).join('/')} on ${cpus().length} cores`);
    console.log(`  target: under ~3× in both directions${worst < 3 ? '' : '  ABOVE TARGET'}; pulled bytes ${same ? 'identical' : 'DIFFER'}; verify: ${verify.stdout.trim().split('\n')[0]}`);
    if (!same) process.exitCode = 1;
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await rm(tmp, { recursive: true, force: true });
  }
  try {
    const server = JSON.parse(await readFile(SERVER_RSS_FILE, 'utf8'));
    console.log(`  our server (receives the push, serves the pull): peak RSS ${mb(server.rss)} = ${(server.rss / BYTES).toFixed(2)}× the note, CPU ${(server.cpuMs / 1000).toFixed(1)} s`);
    await rm(SERVER_RSS_FILE, { force: true });
  } catch { /* a server that did not exit cleanly wrote no figure */ }
}

await main();
