// Trilium search, backlinks and the note index on a generated document (default 100k notes: folders of 100 text notes
// with ~300 bytes of HTML each, #generated on every tenth note, plus 2,000 internalLink relations to one note).
// Prints the cold index load and the in-memory content cache's load (first full-text query), then each query's first
// and median time over 5 runs. Targets (issue 14): a label
// query < 100 ms, a full-text query < 500 ms, the backlinks of a note < 50 ms.
// Usage: node bench/search.mjs [--notes 100000] [--dir /tmp/x]
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
require('tsx/cjs');
const { createReplica } = require('../src/storage/index.ts');
const { generateNotes } = require('../src/sync/server/generateDocument.ts');

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => { const [k, v = 'true'] = a.trim().split(/\s+/); return [k, v]; }));
const NOTES = Number(args.notes ?? 100000);
const dir = args.dir ?? mkdtempSync(path.join(tmpdir(), 'trilium-bench-search-'));
const ms = (t) => `${t.toFixed(1)} ms`;

const replica = await createReplica(dir, { syncVersion: 39, kind: 'empty' });
let t = performance.now();
await generateNotes(replica, { noteCount: NOTES });
await replica.finishBulkLoad();
console.log(`load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`generated ${NOTES.toLocaleString('en-US')} notes in ${((performance.now() - t) / 1000).toFixed(1)} s (${dir})`);

const some = (await replica.search('#generated', { limit: 2200 })).map((h) => h.noteId);
const target = some[0];
t = performance.now();
for (const source of some.slice(1, 2001)) await replica.addAttribute(source, 'relation', 'internalLink', target);
console.log(`added 2,000 internalLink relations in ${((performance.now() - t) / 1000).toFixed(1)} s`);

/** Wall time, and this process's CPU time (what the figure would be on an idle machine, roughly). */
async function timed(fn) {
  const cpu = process.cpuUsage();
  const s = performance.now();
  const result = await fn();
  const c = process.cpuUsage(cpu);
  return { result, wall: performance.now() - s, cpu: (c.user + c.system) / 1000 };
}

async function measure(label, fn) {
  const runs = [];
  let size = 0;
  for (let i = 0; i < 5; i++) {
    const t = await timed(fn);
    size = t.result.length;
    runs.push(t);
  }
  const median = (key) => [...runs.map((r) => r[key])].sort((a, b) => a - b)[2];
  console.log(`${label.padEnd(56)} first ${ms(runs[0].wall).padStart(10)}  median ${ms(median('wall')).padStart(10)}  (cpu ${ms(median('cpu'))})  ${size} results`);
}

// The first search after the edits above patches the index; the one before them loaded it cold.
const fresh = await createReplica(path.join(dir, 'cold'), { syncVersion: 39, kind: 'newDocument' }).catch(() => null);
await fresh?.close();
await replica.close();
const { openReplica } = require('../src/storage/index.ts');
const r = await openReplica(dir);
const cold = await timed(() => r.search('#nothingLikeThis'));
console.log(`cold note index load (first search after opening): ${ms(cold.wall)} (cpu ${ms(cold.cpu)})`);
const contents = await timed(() => r.search('"no such phrase anywhere"'));
console.log(`content cache load (first full-text search): ${ms(contents.wall)} (cpu ${ms(contents.cpu)})`);

const rareWord = some[1500];
await measure('label: #generated', () => r.search('#generated'));
await measure('label compare: #generated >= 90000', () => r.search('#generated >= 90000'));
await measure('label + orderBy: #generated orderBy #generated desc limit 10', () => r.search('#generated orderBy #generated desc limit 10'));
await measure('property: note.title =* "note 9999"', () => r.search('note.title =* "note 9999"'));
await measure(`full text, a rare word (a note id in content)`, () => r.search(rareWord.toLowerCase()));
await measure('full text, two words: "note 4242"', () => r.search('note 4242'));
await measure('full text, a word in every note: lorem', () => r.search('lorem'));
await measure('note.content *=* consectetur (every note)', () => r.search('note.content *=* consectetur'));
// Trilium's fuzzy second pass runs when fewer than 5 exact results score 10 or more (the rare word above, too)
await measure('  the rare word without the fuzzy pass', () => r.search(rareWord.toLowerCase(), { fuzzy: false }));
await measure('fuzzy pass after 1 exact title: 99999', () => r.search('99999'));
await measure('  the same without the fuzzy pass', () => r.search('99999', { fuzzy: false }));
await measure('fuzzy pass, a typo finding every note: nots', () => r.search('nots'));
await measure('  the same without the fuzzy pass', () => r.search('nots', { fuzzy: false }));
await measure('backlinks of a note with 2,000', () => r.getBacklinks(target));
const patched = await timed(async () => { await r.renameNote(some[5], 'Renamed for the bench'); return r.search('#generated'); });
console.log(`a rename, then a label query (index patched): ${ms(patched.wall)} (cpu ${ms(patched.cpu)})`);
console.log(`rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (other processes on the machine slow every figure)`);
await r.close();
if (!args.dir) rmSync(dir, { recursive: true, force: true });
