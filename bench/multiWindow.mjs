// Several processes on one replica (issue 15): how fast a commit of one process reaches another (the change
// watch's PRAGMA data_version poll), and how long the sync lease takes to change hands after its holder is killed
// (SIGKILL) or closes. Each process is test/core/multiprocess/child.ts: a replica, its change watch and a scheduler
// with the lease (lease checks every 300 ms there; VS Code windows check every 2 s).
// Usage: node bench/multiWindow.mjs [--rounds 20] [--handovers 5]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
require('tsx/cjs');
const { startSyncServer } = require('../src/sync/server/syncServer.ts');
const { setupFromServer } = require('../src/sync/setup.ts');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHILD = path.join(ROOT, 'test/core/multiprocess/child.ts');
const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => { const [k, v = 'true'] = a.trim().split(/\s+/); return [k, v]; }));
const ROUNDS = Number(args.rounds ?? 20);
const HANDOVERS = Number(args.handovers ?? 5);

function child(label, dataDir, serverUrl) {
  const proc = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, dataDir, serverUrl, label, '60000'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const events = [];
  const waiters = new Set();
  createInterface({ input: proc.stdout }).on('line', (line) => {
    try { events.push(JSON.parse(line)); } catch { return; }
    for (const w of waiters) w();
  });
  let nextId = 1;
  const waitFor = (pred, timeoutMs = 60_000, what = "an event") => new Promise((resolve, reject) => {
    const check = () => {
      const hit = events.find(pred);
      if (!hit) return;
      waiters.delete(check);
      clearTimeout(timer);
      resolve(hit);
    };
    const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`${label}: no ${what} within ${timeoutMs} ms; events: ${events.map((e) => e.event).join(",")}`)); }, timeoutMs);
    waiters.add(check);
    check();
  });
  return {
    label, proc, events, waitFor,
    async ask(cmd) {
      const id = nextId++;
      proc.stdin.write(JSON.stringify({ ...cmd, id }) + '\n');
      return waitFor((e) => e.id === id);
    },
    holds: () => [...events].reverse().find((e) => e.event === 'holder' || e.event === 'standby')?.event === 'holder',
    kill: () => new Promise((resolve) => { if (proc.exitCode !== null || proc.signalCode) resolve(); else { proc.once('exit', resolve); proc.kill('SIGKILL'); } }),
  };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${s[s.length - 1]} ms (n=${s.length})`;
};

const tmp = mkdtempSync(path.join(tmpdir(), 'bench-mw-'));
const server = await startSyncServer({ dataDir: path.join(tmp, 'server'), password: 'pw', host: '127.0.0.1', port: 0 });
const dataDir = path.join(tmp, 'replica');
const setUp = await setupFromServer({ dataDir, serverUrl: server.url, password: 'pw' });
const { noteId } = await setUp.replica.createNote({ parentNoteId: 'root', title: 'bench' });
await setUp.replica.close();
const all = [];
try {
  const a = child('A', dataDir, server.url);
  const b = child('B', dataDir, server.url);
  all.push(a, b);
  await Promise.all([a, b].map((c) => c.waitFor((e) => e.event === 'ready', 120_000, 'ready')));
  const latencies = [];
  for (let i = 0; i < ROUNDS; i++) {
    const saved = await b.ask({ op: 'save', noteId, text: `<p>round ${i}</p>` });
    const seen = await a.waitFor((e) => e.event === 'externalChange' && e.at >= saved.at && e.noteIds.includes(noteId));
    latencies.push(seen.at - saved.at);
    await new Promise((r) => setTimeout(r, 37 * (i % 7)));
  }
  console.log(`change seen by the other process (300 ms poll): ${stats(latencies)}`);

  const kills = [];
  const closes = [];
  let n = 0;
  for (let i = 0; i < HANDOVERS; i++) {
    for (const kind of ['kill', 'close']) {
      const live = all.filter((c) => c.proc.exitCode === null && !c.proc.signalCode);
      while (live.length < 2) {
        const c = child(`N${n++}`, dataDir, server.url);
        all.push(c);
        live.push(c);
        await c.waitFor((e) => e.event === 'ready');
      }
      await Promise.race(live.map((c) => c.waitFor((e) => e.event === 'holder')));
      const holder = live.find((c) => c.holds());
      const other = live.find((c) => c !== holder);
      const t0 = Date.now();
      if (kind === 'kill') holder.proc.kill('SIGKILL');
      else await holder.ask({ op: 'exit' });
      const t1 = kind === 'kill' ? t0 : Date.now();
      const took = await other.waitFor((e) => e.event === 'holder' && e.at >= t0, 30_000);
      (kind === 'kill' ? kills : closes).push(took.at - t1);
    }
  }
  console.log(`lease hand-over after SIGKILL of the holder: ${stats(kills)}`);
  console.log(`lease hand-over after the holder closes: ${stats(closes)}`);
} finally {
  await Promise.all(all.map((c) => c.kill()));
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}
