// Applies a synthetic stream shaped like a 100k-note Trilium document (~354k entity changes in pages of
// 1000 records, as a server sends them) into an empty replica, and prints the figures of issue 3.
// Without --driver it runs once per SQLite driver, each in its own process (node:sqlite under a Node that has it:
// this one, or the Node 24 that scripts/setup-code-server.sh caches), and prints both. The node:sqlite process gets
// the young-generation size of the replica worker that node:sqlite runs in (--max-semi-space-size: V8's young
// generation is three semi-spaces), so that its peak RSS is the replica's, not that of V8's default young
// generation; @vscode/sqlite3 runs on the host's own thread, whose V8 settings are the host's.
// node:sqlite runs --runs times (default 3), each in a fresh process and replica, since one run's figure varies with
// the machine; the summary at the end gives every run's changes/s, CPU time and peak RSS per driver.
// Usage: node bench/apply.mjs [--driver node-sqlite|vscode-sqlite3] [--runs 3] [--notes 100000] [--pages-per-call 8]
//        [--dir /tmp/x] [--generate-only] [--floor]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => { const [k, v = 'true'] = a.trim().split(/\s+/); return [k, v]; }));

if (!args.driver) {
  const { node24Bin } = await import('../scripts/lib/codeServer.mjs');
  require('tsx/cjs');
  const { WORKER_YOUNG_GENERATION_MB } = require('../src/storage/worker/workerReplica.ts');
  const hasNodeSqlite = (() => { try { return Boolean(process.getBuiltinModule?.('node:sqlite')); } catch { return false; } })();
  const nodeRuns = Math.max(1, Number(args.runs ?? 3));
  const runs = [
    { driver: 'vscode-sqlite3', node: process.execPath },
    ...Array.from({ length: nodeRuns }, () => ({ driver: 'node-sqlite', node: hasNodeSqlite ? process.execPath : node24Bin() })),
  ];
  let failed = false;
  const workerV8 = [`--max-semi-space-size=${WORKER_YOUNG_GENERATION_MB / 3}`];
  const results = [];
  for (const [i, run] of runs.entries()) {
    const v8Flags = run.driver === 'node-sqlite' ? workerV8 : [];
    const how = v8Flags.length ? `, ${v8Flags[0]} as the replica worker's ${WORKER_YOUNG_GENERATION_MB} MB young generation` : ', on the host thread: V8 defaults';
    const nth = runs.filter((r) => r.driver === run.driver).length > 1 ? ` run ${runs.slice(0, i + 1).filter((r) => r.driver === run.driver).length}` : '';
    console.log(`\n===== ${run.driver}${nth} (${run.node}${how}) =====`);
    const r = spawnSync(run.node, [...v8Flags, new URL(import.meta.url).pathname, ...process.argv.slice(2), '--driver', run.driver], {
      stdio: ['inherit', 'pipe', 'inherit'], env: { ...process.env, TRILIUM_SQLITE_DRIVER: run.driver }, maxBuffer: 16 * 1024 * 1024,
    });
    const out = r.stdout.toString();
    process.stdout.write(out.replace(/^RESULT .*\n/m, ''));
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    if (line) results.push({ driver: run.driver, ...JSON.parse(line.slice(7)) });
    if (r.status !== 0) failed = true;
  }
  if (results.length) {
    console.log('\n===== summary: apply time includes the index rebuild; CPU is the process\'s (all threads) =====');
    for (const x of results) {
      console.log(`${x.driver.padEnd(15)} ${fmt(x.perSecond).padStart(7)} changes/s  apply ${fmt(x.applyMs).padStart(5)} ms (CPU ${(x.applyCpuMs / 1000).toFixed(2)} s)` +
        `  peak RSS ${x.peakMb} MB  10k children ${x.childrenMs.toFixed(0)} ms (CPU ${x.childrenCpuMs?.toFixed(0) ?? '?'}) then ${x.childrenWarmMs?.toFixed(0) ?? '?'} ms  sector hashes ${fmt(x.sectorMs)} ms  written ${x.writtenMb ?? '?'} MB  load ${x.load.map((l) => l.toFixed(1)).join('/')}`);
    }
  }
  process.exit(failed ? 1 : 0);
}
process.env.TRILIUM_SQLITE_DRIVER = args.driver;
require('tsx/cjs');
const { createReplica } = require('../src/storage/index.ts');
const NOTES = Number(args.notes ?? 100000);
const PAGES_PER_CALL = Number(args['pages-per-call'] ?? 8);
const BIG_PARENT_CHILDREN = 10000;
const SYNC_VERSION = 39;

let peakRss = 0;
let phasePeak = 0;
const phases = [];
const sampler = setInterval(() => { const r = process.memoryUsage().rss; peakRss = Math.max(peakRss, r); phasePeak = Math.max(phasePeak, r); }, 20);
// (the sampler cannot run while a synchronous driver holds the thread, so each phase also reads RSS at its end)
const phase = (name) => { const m = process.memoryUsage(); phases.push(`${name} ${(Math.max(phasePeak, m.rss) / 1048576).toFixed(0)} MB (JS heap ${(m.heapUsed / 1048576).toFixed(0)} of ${(m.heapTotal / 1048576).toFixed(0)} MB, buffers ${((m.external + m.arrayBuffers) / 1048576).toFixed(0)} MB)`); phasePeak = 0; };

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const rid = (n) => { let s = ''; const b = randomBytes(n); for (let i = 0; i < n; i++) s += ALPHA[b[i] % 62]; return s; };
const sha1b64 = (s) => createHash('sha1').update(s).digest('base64');
const blobIdOf = (buf) => createHash('sha512').update(buf).digest('base64').replace(/\+/g, 'X').replace(/\//g, 'Y').slice(0, 20);
const date = '2026-11-24 10:00:00.000Z';
const local = '2026-11-24 11:00:00.000+0100';
const serverInstance = 'srvInstance1';

let id = 0;
// Timestamps differ per note, as in a real document (a constant date would flatter column-wise encodings).
const T0 = Date.parse('2024-01-01T00:00:00Z');
const utcOf = (i) => new Date(T0 + i * 613_457).toISOString().replace('T', ' ');
const localOf = (i) => utcOf(i).replace('Z', '+0000');
let stamp = date;
const change = (entityName, entityId, hash) => ({
  id: ++id, entityName, entityId, hash, isErased: 0, changeId: rid(12), componentId: 'NA', instanceId: serverInstance,
  isSynced: 1, utcDateChanged: stamp,
});

/** Yields the records of one note (blob, note, branch, sometimes attributes): ~3.54 changes a note. */
function* noteRecords(i, bigParent) {
  const noteId = rid(12);
  const date = utcOf(i);
  const local = localOf(i);
  stamp = date;
  const parent = i < BIG_PARENT_CHILDREN ? bigParent : i < 20000 ? 'root' : parents[i % parents.length];
  if (i >= BIG_PARENT_CHILDREN && i < 20000 && parents.length < 10000) parents.push(noteId);
  const content = Buffer.from(`<p>Note ${i}: ${rid(180)}</p>`);
  const blobId = blobIdOf(content);
  yield { entityChange: change('blobs', blobId, sha1b64(`${blobId}|${content}`)),
    entity: { blobId, content: content.toString('base64'), dateModified: local, utcDateModified: date, textRepresentation: null } };
  yield { entityChange: change('notes', noteId, rid(10)), entity: { noteId, title: `Note ${i}`, isProtected: 0, type: 'text', mime: 'text/html', blobId,
    isDeleted: 0, deleteId: null, dateCreated: local, dateModified: local, utcDateCreated: date, utcDateModified: date } };
  const branchId = `${parent}_${noteId}`;
  yield { entityChange: change('branches', branchId, rid(10)), entity: { branchId, noteId, parentNoteId: parent, notePosition: (i + 1) * 10,
    prefix: null, isExpanded: 0, isDeleted: 0, deleteId: null, utcDateModified: date } };
  if (i % 100 < 54) {
    const attributeId = rid(12);
    yield { entityChange: change('attributes', attributeId, rid(10)), entity: { attributeId, noteId, type: 'label', name: i % 2 ? 'iconClass' : 'tag',
      value: 'bx bx-note', position: 10, utcDateModified: date, isDeleted: 0, deleteId: null, isInheritable: 0 } };
  }
}
const parents = [];

function* stream() {
  const bigParent = 'bigParent001';
  const rootBlob = Buffer.from('');
  const rb = blobIdOf(rootBlob);
  yield { entityChange: change('blobs', rb, 'x'), entity: { blobId: rb, content: '', dateModified: local, utcDateModified: date, textRepresentation: null } };
  yield { entityChange: change('notes', 'root', rid(10)), entity: { noteId: 'root', title: 'root', isProtected: 0, type: 'text', mime: 'text/html', blobId: rb,
    isDeleted: 0, deleteId: null, dateCreated: local, dateModified: local, utcDateCreated: date, utcDateModified: date } };
  yield { entityChange: change('branches', 'none_root', rid(10)), entity: { branchId: 'none_root', noteId: 'root', parentNoteId: 'none', notePosition: 10,
    prefix: null, isExpanded: 1, isDeleted: 0, deleteId: null, utcDateModified: date } };
  yield { entityChange: change('notes', bigParent, rid(10)), entity: { noteId: bigParent, title: 'Big parent', isProtected: 0, type: 'text', mime: 'text/html', blobId: rb,
    isDeleted: 0, deleteId: null, dateCreated: local, dateModified: local, utcDateCreated: date, utcDateModified: date } };
  yield { entityChange: change('branches', `root_${bigParent}`, rid(10)), entity: { branchId: `root_${bigParent}`, noteId: bigParent, parentNoteId: 'root', notePosition: 5,
    prefix: null, isExpanded: 0, isDeleted: 0, deleteId: null, utcDateModified: date } };
  for (let i = 0; i < NOTES; i++) yield* noteRecords(i, bigParent);
}

/** Pages as a server sends them: 1000 records, round-tripped through JSON text like an HTTP body. */
function* pages() {
  let page = [];
  for (const r of stream()) {
    page.push(r);
    if (page.length === 1000) { yield JSON.stringify({ entityChanges: page, lastEntityChangeId: id }); page = []; }
  }
  if (page.length) yield JSON.stringify({ entityChanges: page, lastEntityChangeId: id });
}

const { loadavg, cpus } = await import('node:os');

// What a listing costs besides CPU (Linux): minor page faults (memory touched for the first time: SQLite's page cache,
// V8's heap) and read() calls (SQLite reads one page per call); less the 4 reads that reading these counts costs.
const procCounts = () => {
  try {
    const { readFileSync } = require('node:fs');
    return { faults: Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[7]),
      reads: Number(/^syscr: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))[1]) };
  } catch { return null; }
};
const countsSince = (a) => { const b = procCounts(); return a && b ? `${fmt(b.faults - a.faults)} page faults, ${fmt(b.reads - a.reads - 4)} reads` : 'no /proc counts'; };

if (args.reopen) {
  // The first listing in a new process, as after restarting VS Code: the replica's pages are in the OS's cache,
  // nothing is in SQLite's or V8's.
  const { openReplica } = require('../src/storage/index.ts');
  const r = await openReplica(args.reopen);
  const times = [];
  for (let i = 0; i < 2; i++) {
    const k = procCounts();
    const t = performance.now();
    const c = process.cpuUsage();
    const n = (await r.getChildren('bigParent001')).length;
    const u = process.cpuUsage(c);
    times.push(`${(performance.now() - t).toFixed(1)} ms (${((u.user + u.system) / 1000).toFixed(0)} ms CPU; ${countsSince(k)})`);
    if (n !== BIG_PARENT_CHILDREN) throw new Error(`listed ${n} children`);
  }
  await r.close();
  console.log(`list ${fmt(BIG_PARENT_CHILDREN)} children after reopening in a new process: ${times[0]} first call, ${times[1]} repeated; load ${loadavg()[0].toFixed(1)}`);
  process.exit(0);
}

if (args.floor) {
  // The lower bound of this design: the same records through the same bulk apply, but into an in-memory
  // database with no journal, no commits and no secondary indexes during the load, then the index builds.
  const { openConnection } = require('../src/storage/db.ts');
  const { schemaSql, SECONDARY_INDEXES } = require('../src/storage/schema.ts');
  const { getProfile } = require('../src/storage/profiles.ts');
  const { WriteContext } = require('../src/storage/writeContext.ts');
  const { applyBatch } = require('../src/storage/apply/index.ts');
  const c = await openConnection(':memory:', { create: true });
  const profile = getProfile(SYNC_VERSION);
  await c.exec(`PRAGMA page_size = ${Number(args['page-size'] ?? 16384)}`);
  await c.exec(schemaSql(profile).split(';\n').filter((x) => !/^CREATE (UNIQUE )?INDEX/.test(x.trim())).join(';\n'));
  await c.exec('BEGIN');
  let n = 0;
  let ms = 0;
  let batch = [];
  const flush = async () => {
    const t = performance.now();
    await applyBatch(new WriteContext(c, profile, 'benchLocal01', new Date(), 'sync'), batch, { senderInstanceId: serverInstance }, true);
    ms += performance.now() - t;
    n += batch.length;
    batch = [];
  };
  for (const body of pages()) {
    batch.push(...JSON.parse(body).entityChanges);
    if (batch.length >= PAGES_PER_CALL * 1000) await flush();
  }
  if (batch.length) await flush();
  const i0 = performance.now();
  for (const ix of SECONDARY_INDEXES) await c.run(ix.sql);
  const indexMs = performance.now() - i0;
  await c.exec('COMMIT');
  console.log(`floor (in memory, one transaction, no journal): ${fmt(n)} changes applied in ${fmt(ms)} ms (${fmt(n / (ms / 1000))}/s), ` +
    `secondary indexes built in ${fmt(indexMs)} ms; together ${fmt(ms + indexMs)} ms → ${fmt(n / ((ms + indexMs) / 1000))} changes/s; load ${loadavg()[0].toFixed(1)}`);
  process.exit(0);
}
const loadAtStart = loadavg();
const dir = args.dir ?? mkdtempSync(path.join(tmpdir(), 'trilium-bench-'));
const replica = await createReplica(dir, { syncVersion: SYNC_VERSION, kind: 'empty' });
let total = 0;
let applyMs = 0;
let applyCpuUs = 0;
const addCpu = (from) => { const d = process.cpuUsage(from); applyCpuUs += d.user + d.system; };
const cpu0 = process.cpuUsage();
/** Bytes this process has handed to write() so far (Linux): what SQLite writes to the WAL, the file and temp files. */
const written = () => { try { return Number(/^wchar: (\d+)$/m.exec(require('node:fs').readFileSync('/proc/self/io', 'utf8'))[1]); } catch { return NaN; } };
let writtenInApply = 0;
let genMs = 0;
const t0 = performance.now();
let batch = [];
let cursor = 0;
let g = performance.now();
for (const body of pages()) {
  const parsed = JSON.parse(body);
  batch.push(...parsed.entityChanges);
  cursor = parsed.lastEntityChangeId;
  if (args['generate-only'] && batch.length >= PAGES_PER_CALL * 1000) { total += batch.length; batch = []; continue; }
  if (batch.length >= PAGES_PER_CALL * 1000) {
    genMs += performance.now() - g;
    const a = performance.now();
    const cpuA = process.cpuUsage();
    const w0 = written();
    await replica.applyRecords(batch, { senderInstanceId: serverInstance, senderSyncVersion: SYNC_VERSION }, { name: 'lastSyncedPull', value: cursor });
    writtenInApply += written() - w0;
    applyMs += performance.now() - a;
    addCpu(cpuA);
    total += batch.length;
    batch = [];
    g = performance.now();
  }
}
genMs += performance.now() - g;
const a = performance.now();
const cpuA = process.cpuUsage();
const wLast = written();
if (batch.length) await replica.applyRecords(batch, { senderInstanceId: serverInstance }, { name: 'lastSyncedPull', value: cursor });
total += batch.length;
const ix0 = performance.now();
const ixCpu0 = process.cpuUsage();
await replica.applyRecords([], { senderInstanceId: serverInstance }, { name: 'lastSyncedPull', value: cursor });
const indexMs = performance.now() - ix0;
const indexCpu = process.cpuUsage(ixCpu0);
writtenInApply += written() - wLast;
applyMs += performance.now() - a;
addCpu(cpuA);
phase('apply+index rebuild');
if (args['apply-only']) {
  console.log(`apply time (incl. index rebuild): ${fmt(applyMs)} ms → ${fmt(total / (applyMs / 1000))} entity changes/s; CPU ${(applyCpuUs / 1e6).toFixed(2)} s; ` +
    `of which index rebuild ${fmt(indexMs)} ms (CPU ${((indexCpu.user + indexCpu.system) / 1e6).toFixed(2)} s); written ${fmt(writtenInApply / 1048576)} MB; load ${loadavg()[0].toFixed(1)}`);
  await replica.close();
  if (!args.dir) rmSync(dir, { recursive: true, force: true });
  console.log('RESULT ' + JSON.stringify({ perSecond: total / (applyMs / 1000), applyMs, applyCpuMs: applyCpuUs / 1000, peakMb: Math.round(peakRss / 1048576),
    childrenMs: NaN, sectorMs: NaN, writtenMb: Math.round(writtenInApply / 1048576), load: loadAtStart }));
  process.exit(0);
}
if (args['generate-only']) {
  console.log(`generate-only: ${fmt(total)} records generated and parsed in ${fmt(performance.now() - t0)} ms, peak RSS ${(peakRss / 1048576).toFixed(0)} MB, heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB`);
  process.exit(0);
}
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuSec = (cpu.user + cpu.system) / 1e6;
const [load1] = (await import('node:os')).loadavg();

const k0 = procCounts();
const c0 = performance.now();
const cpuC = process.cpuUsage();
const children = await replica.getChildren('bigParent001');
const childrenMs = performance.now() - c0;
const childrenCpu = process.cpuUsage(cpuC);
const childrenCounts = countsSince(k0);
const k1 = procCounts();
const c1 = performance.now();
const cpuW = process.cpuUsage();
await replica.getChildren('bigParent001');
const childrenWarmMs = performance.now() - c1;
const childrenWarmCpu = process.cpuUsage(cpuW);
const childrenWarmCounts = countsSince(k1);
phase('children');
const s0 = performance.now();
const cpuS = process.cpuUsage();
const sectors = await replica.sectorHashes();
const sectorMs = performance.now() - s0;
const sectorCpu = process.cpuUsage(cpuS);
phase('sector hashes');
// A user's edits after the load: what the page size costs each small transaction.
const { statSync } = await import('node:fs');
const walBytes = () => { try { return statSync(path.join(dir, 'document.db-wal')).size; } catch { return 0; } };
const edited = children.slice(0, 50);
await replica.setNoteContent(edited[0].noteId, '<p>warm-up</p>');
const e0 = performance.now();
const w0 = walBytes();
for (let i = 0; i < edited.length; i++) await replica.setNoteContent(edited[i].noteId, `<p>edited ${i}</p>`);
const editMs = (performance.now() - e0) / edited.length;
const editWal = (walBytes() - w0) / edited.length;
const header = Buffer.alloc(18);
const { openSync, readSync, closeSync } = await import('node:fs');
const fd = openSync(path.join(dir, 'document.db'), 'r');
readSync(fd, header, 0, 18, 0);
closeSync(fd);
const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
const counts = await replica.counts();
const q0 = performance.now();
const hits = await replica.searchContent('Note 5');
const searchMs = performance.now() - q0;
phase('search index');
await replica.close();
clearInterval(sampler);
const reopened = spawnSync(process.execPath, [...process.execArgv, new URL(import.meta.url).pathname, '--driver', args.driver, '--reopen', dir],
  { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
peakRss = Math.max(peakRss, process.memoryUsage().rss);

console.log(`replica: ${dir}/document.db (sync version ${SYNC_VERSION}), driver ${replica.driver.name} (SQLite ${replica.driver.sqliteVersion}, Node ${process.version}), ${PAGES_PER_CALL} page(s) of 1000 records per applyRecords call`);
console.log(`entity changes applied: ${fmt(total)} (notes ${fmt(counts.notes)}, branches ${fmt(counts.branches)}, attributes ${fmt(counts.attributes)}, blobs ${fmt(counts.blobs)})`);
console.log(`apply time (incl. index rebuild): ${fmt(applyMs)} ms → ${fmt(total / (applyMs / 1000))} entity changes/s (target ≥ 100,000); index rebuild ${fmt(indexMs)} ms (CPU ${((indexCpu.user + indexCpu.system) / 1e6).toFixed(2)} s)`);
console.log(`wall time incl. generating and parsing pages: ${fmt(wall)} ms (generation ${fmt(genMs)} ms) → ${fmt(total / (wall / 1000))} changes/s`);
console.log(`written by the apply (WAL, database file, temporary files; from /proc/self/io): ${fmt(writtenInApply / 1048576)} MB for a ${fmt(statSync(path.join(dir, 'document.db')).size / 1048576)} MB database`);
console.log(`CPU time inside applyRecords (JS thread + SQLite worker threads): ${(applyCpuUs / 1e6).toFixed(1)} s → ${fmt(total / (applyCpuUs / 1e6))} changes per CPU-second; whole run ${cpuSec.toFixed(1)} CPU-s; 1-min load average ${load1.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
console.log(`peak RSS: ${(peakRss / 1048576).toFixed(0)} MB (target < 250 MB); per phase: ${phases.join(', ')}`);
const ms = (u) => ((u.user + u.system) / 1000).toFixed(0);
console.log(`list ${fmt(children.length)} children of one note: ${childrenMs.toFixed(1)} ms first call after the load (${ms(childrenCpu)} ms CPU; ${childrenCounts}), ` +
  `${childrenWarmMs.toFixed(1)} ms repeated (${ms(childrenWarmCpu)} ms CPU; ${childrenWarmCounts}) (target < 100 ms)`);
process.stdout.write(reopened.stdout.toString());
console.log(`sector hashes over ${fmt(counts.entity_changes)} entity changes (incl. unused-blob purge): ${fmt(sectorMs)} ms (${ms(sectorCpu)} ms CPU), ${Object.keys(sectors).length} entity names (target < 1 s)`);
const loadAtEnd = loadavg();
console.log(`machine load (1/5/15-min averages) at start ${loadAtStart.map((x) => x.toFixed(1)).join('/')}, at end ${loadAtEnd.map((x) => x.toFixed(1)).join('/')}, ${cpus().length} cores: figures taken under a load above the core count are not comparable`);
console.log(`local content edit after the load: ${editMs.toFixed(1)} ms each, ${fmt(editWal / 1024)} KiB of WAL each (${edited.length} edits, page size ${pageSize} bytes)`);
console.log(`first content search (builds the FTS index lazily): ${fmt(searchMs)} ms, ${hits.length} hits`);
if (!args.dir) rmSync(dir, { recursive: true, force: true });
console.log('RESULT ' + JSON.stringify({ perSecond: total / (applyMs / 1000), applyMs, applyCpuMs: applyCpuUs / 1000, peakMb: Math.round(peakRss / 1048576),
  childrenMs, childrenCpuMs: (childrenCpu.user + childrenCpu.system) / 1000, childrenWarmMs, sectorMs, writtenMb: Math.round(writtenInApply / 1048576), load: loadAtStart }));
