// Converts a 1 MB text note (the corpus notes repeated) HTML → Markdown → HTML and prints the times of issue 13:
// opening (conversion with the exactness proof; also for a note whose copies are numbered, so no block repeats: the
// figure with the target), saving after one edited word (right after opening, and cold), and saving unchanged.
// It also opens the no-repeat note once in each of several fresh processes, on Node 20 and Node 24: the first
// conversion, which is what a user feels when opening a big note in VS Code (the converter's code not yet compiled).
// With --vscode it opens the no-repeat note in fresh extension hosts instead (test/exthost/markdownBench.bench.ts).
// Usage: node bench/markdown.mjs [--mb 1] [--runs 5] [--fresh 7] [--against DIR] [--digest]
//   --fresh N      fresh processes per Node version (0: none)
//   --against DIR  another checkout (e.g. /work/main): its converter's fresh-process and warm figures, interleaved
//                  with this one's
//   --fresh-only   the fresh-process figures only
//   --vscode V     the note opened in fresh extension hosts of VS Code V (newest or 1.100) instead: opening it as
//                  a document, the first conversion in the host and saving an edited word; --hosts N fresh hosts
//                  (default 3); TRILIUM_BENCH_PROFILE / TRILIUM_BENCH_PROFILE_SAVE=FILE write CPU profiles of the host
//   --digest       prints only a SHA-256 of the converter's output (Markdown, blocks, islands, saves) over the bench
//                  notes and the corpus: equal digests, byte-identical output
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.join(here, '.data');

/** One conversion timed in this fresh process (`--child BUNDLE NOTE RUNS`): prints the first run and the others. */
function child([bundle, notePath, runs]) {
  const html = readFileSync(notePath, 'utf8');
  const t0 = process.hrtime.bigint();
  const { noteToMarkdown, forgetLastConversion } = require(bundle);
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const results = [];
  for (let i = 0; i < Number(runs); i++) {
    forgetLastConversion();
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    noteToMarkdown(html);
    const u = process.cpuUsage(c);
    results.push({ wall: Number(process.hrtime.bigint() - t) / 1e6, cpu: (u.user + u.system) / 1000 });
  }
  process.stdout.write(JSON.stringify({ loadMs, results }));
}
if (process.argv[2] === '--child') {
  child(process.argv.slice(3));
  process.exit(0);
}

/** The converter bundled by esbuild as the packaged extension is (tsx would add a `__name` call to every closure). */
function bundleConverter(root = path.join(here, '..'), name = 'markdown-converter') {
  const outfile = path.join(dataDir, `${name}.cjs`);
  require('esbuild').buildSync({
    stdin: { contents: "export * from './src/markdown/convert';\nexport { renderDirect } from './src/markdown/directRender';\n", resolveDir: root, loader: 'ts' },
    bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, outfile, logLevel: 'warning',
    nodePaths: [path.join(here, '..', 'node_modules')],
  });
  return outfile;
}
mkdirSync(dataDir, { recursive: true });
const bundlePath = bundleConverter();
const { noteToMarkdown, markdownToNote, forgetLastConversion, renderDirect } = require(bundlePath);
const { parseFragment } = require('parse5');

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => { const [k, v = 'true'] = a.trim().split(/\s+/); return [k, v]; }));
const MB = Number(args.mb ?? 1);
const RUNS = Number(args.runs ?? 5);
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/markdown-corpus');
const files = readdirSync(dir).filter((f) => f.endsWith('.html')).sort();
const read = (f) => readFileSync(path.join(dir, f), 'utf8');

// A note has one footnote section, at its end (CKEditor keeps it there, with ids unique in the note): notes with
// footnotes are not repeated but end the note once.
const hasFootnotes = (html) => html.includes('data-footnote-section');

/** Copy `n` of a note with its number before the first word of each text: no block equals a block of another copy. */
const numbered = (html, n) => html.replace(/>([^<]+)</g, (_, t) => `>${t.replace(/^(\s*)(\w)/, `$1${n}$2`)}<`);

function build(sources, distinct = false) {
  const repeated = sources.filter((h) => !hasFootnotes(h));
  let html = '';
  for (let i = 0; html.length < MB * 1024 * 1024; i++) html += (distinct ? numbered(repeated[i % repeated.length], i) : repeated[i % repeated.length]).trim();
  return html + sources.filter(hasFootnotes).map((h) => h.trim()).join('');
}

/** A word of the Markdown changed: the first 'Plain text' (in the CKEditor-form notes), else the first long word. */
function editOneWord(markdown) {
  const i = markdown.indexOf('Plain text');
  if (i >= 0) return markdown.slice(0, i) + 'Edited' + markdown.slice(i + 5);
  const m = /[A-Za-z]{4,}/.exec(markdown);
  return m ? markdown.slice(0, m.index) + 'Edited' + markdown.slice(m.index + m[0].length) : markdown + '\nEdited\n';
}

const ckeditorSources = () => files.filter((f) => f.startsWith('ckeditor-')).map(read);

if (args.digest) {
  const hash = createHash('sha256');
  const notes = [
    ...[false, true].flatMap((distinct) => [ckeditorSources(), files.map(read)].map((sources) => build(sources, distinct))),
    ...files.map(read),
  ];
  for (const html of notes) {
    forgetLastConversion();
    const converted = noteToMarkdown(html);
    hash.update(converted.markdown).update('\0').update(JSON.stringify(converted.blocks)).update(`\0${converted.islandChars}\0`);
    hash.update(markdownToNote(editOneWord(converted.markdown), html)).update('\0');
    hash.update(markdownToNote(converted.markdown, html)).update('\0');
    forgetLastConversion();
    hash.update(markdownToNote(editOneWord(converted.markdown), html)).update('\0');
  }
  console.log(`${hash.digest('hex')}  (${notes.length} notes: Markdown, blocks, islands, saves)`);
  process.exit(0);
}

if (args.vscode) {
  const notePath = path.join(dataDir, 'note-no-repeat.html');
  const noteHtml = build(ckeditorSources(), true);
  writeFileSync(notePath, noteHtml);
  const { runExthostBench } = await import('./lib/exthostBench.mjs');
  const hosts = Number(args.hosts ?? 3);
  const benchFile = path.join(here, '..', 'test', 'exthost', 'markdownBench.bench.ts');
  const byName = new Map();
  const loads = [os.loadavg()[0].toFixed(1)];
  let failed = 0;
  for (let h = 0; h < hosts; h++) {
    const { code, figures } = await runExthostBench(['--vscode', args.vscode, benchFile], { TRILIUM_BENCH_MARKDOWN_NOTE: notePath });
    if (code !== 0) failed++;
    for (const { name, ms, ...extra } of figures) {
      const key = name === 'host' ? `host ${extra.vscode} (Node ${extra.node})` : name;
      if (!byName.has(key)) byName.set(key, []);
      byName.get(key).push(ms);
    }
    loads.push(os.loadavg()[0].toFixed(1));
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`extension host, VS Code ${args.vscode}: the no-repeat CKEditor-form note (${(noteHtml.length / 1048576).toFixed(2)} MB), once in each of ${hosts} fresh hosts`);
  for (const [name, all] of byName) {
    if (name.startsWith('host ')) console.log(`  ${name}, ${all.length} runs`);
    else console.log(`  ${name.padEnd(90)} ${median(all).toFixed(0).padStart(5)} ms (${all.map((x) => x.toFixed(0)).join(', ')})`);
  }
  console.log(`  medians (and each host's figure) of wall time; load average ${loads.join(' → ')}${failed ? `; ${failed} run(s) failed` : ''}`);
  process.exit(failed ? 1 : 0);
}

// Garbage collection pauses (main-thread time; helper threads add CPU time in parallel), reported after each run.
const gcPauses = [];
new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e) => ({ at: e.startTime, ms: e.duration })))).observe({ entryTypes: ['gc'] });
const settle = () => new Promise((resolve) => setTimeout(resolve, 5)); // GC entries come in a later task

async function time(fn) {
  const walls = [];
  const cpus = [];
  const gcs = [];
  let out;
  for (let i = 0; i < RUNS; i++) {
    const from = performance.now();
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    out = fn();
    const u = process.cpuUsage(c);
    walls.push(Number(process.hrtime.bigint() - t) / 1e6);
    cpus.push((u.user + u.system) / 1000);
    const to = performance.now();
    await settle();
    gcs.push(gcPauses.filter((g) => g.at >= from && g.at < to).reduce((sum, g) => sum + g.ms, 0));
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { ms: median(walls), cpu: median(cpus), gc: median(gcs), best: Math.min(...walls), bestCpu: Math.min(...cpus), first: walls[0], out };
}
const show = (t) => `${t.ms.toFixed(0)} ms (${t.cpu.toFixed(0)} ms CPU)`;

/** Share of the note's blocks (and of their HTML) that the proof's fast path reads without markdown-it. */
function fastShare(converted) {
  let blocks = 0;
  let bytes = 0;
  let all = 0;
  for (const b of converted.blocks) {
    all += b.html.length;
    if (!b.island && renderDirect(b.markdown)) {
      blocks++;
      bytes += b.html.length;
    }
  }
  return `${((100 * blocks) / converted.blocks.length).toFixed(0)}% of ${converted.blocks.length} blocks, ${((100 * bytes) / all).toFixed(0)}% of the HTML`;
}

const load = (await import('node:os')).loadavg()[0].toFixed(1);
for (const [label, sources] of args['fresh-only'] ? [] : [['CKEditor-form notes', ckeditorSources()], ['whole corpus (pretty-printed demo notes too)', files.map(read)]]) {
  const html = build(sources);
  const baseline = await time(() => parseFragment(html));
  delete baseline.out; // a whole note's parse5 tree left alive would slow every garbage collection timed after it
  const open = await time(() => {
    forgetLastConversion();
    return noteToMarkdown(html);
  });
  // Equal blocks are converted and proven once per note; a note of 1 MB without repeats costs more.
  const distinctHtml = build(sources, true);
  const openDistinct = await time(() => {
    forgetLastConversion();
    return noteToMarkdown(distinctHtml);
  });
  const { markdown, islandChars } = open.out;
  const edited = editOneWord(markdown);
  const save = await time(() => markdownToNote(edited, html)); // the note was opened just before: its conversion is reused
  const unchanged = await time(() => markdownToNote(markdown, html));
  const coldSave = await time(() => {
    forgetLastConversion();
    return markdownToNote(edited, html);
  });
  console.log(`${label}: ${(html.length / 1048576).toFixed(2)} MB HTML → ${(markdown.length / 1048576).toFixed(2)} MB Markdown `
    + `(${((100 * islandChars) / markdown.length).toFixed(1)}% in HTML islands)`);
  console.log(`  open (HTML → Markdown, proven exact): ${show(open)}`);
  console.log(`  open, no block repeated:              ${show(openDistinct)}; first run ${openDistinct.first.toFixed(0)} ms, fastest ${openDistinct.best.toFixed(0)} ms, least CPU ${openDistinct.bestCpu.toFixed(0)} ms`
    + ` — target well under 200 ms, aim ≤ 150 ms on a quiet machine`);
  console.log(`    of which garbage collection pauses:  ${openDistinct.gc.toFixed(0)} ms (median run)`);
  console.log(`  read by the proof's fast path (no markdown-it): ${fastShare(openDistinct.out)}`);
  console.log(`  save after editing one word:          ${show(save)}`);
  console.log(`  save unchanged:                       ${show(unchanged)}`);
  console.log(`  save, note not converted before:     ${show(coldSave)}`);
  console.log(`  for scale, one bare parse5 parse:     ${show(baseline)} → open costs ${(open.cpu / baseline.cpu).toFixed(1)} parses`);
}

// The first conversion in a fresh process: each process loads the bundle, then opens the no-repeat note RUNS times
// (the first is the cold figure; the median of the others shows where that process's converter is after it).
const FRESH = Number(args.fresh ?? 7);
if (FRESH > 0) {
  const notePath = path.join(dataDir, 'note-no-repeat.html');
  const noteHtml = build(ckeditorSources(), true);
  writeFileSync(notePath, noteHtml);
  const converters = [['this checkout', bundlePath]];
  if (args.against) converters.push([`--against ${args.against}`, bundleConverter(path.resolve(args.against), 'markdown-converter-against')]);
  const { node24Bin } = await import('../scripts/lib/codeServer.mjs');
  const nodes = [process.execPath, node24Bin()].filter((bin) => existsSync(bin)).map((bin) => ({ bin, version: execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim() }));
  const freshLoad = os.loadavg()[0].toFixed(1);
  const runs = Math.max(RUNS, 2);
  console.log(`fresh processes: the no-repeat CKEditor-form note (${(noteHtml.length / 1048576).toFixed(2)} MB) opened ${runs} times in each of ${FRESH} fresh processes per Node`);
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const range = (a) => `${Math.min(...a).toFixed(0)}–${Math.max(...a).toFixed(0)}`;
  for (const { bin, version } of nodes) {
    const samples = converters.map(() => ({ first: [], firstCpu: [], warm: [], warmCpu: [], load: [] }));
    for (let p = 0; p < FRESH; p++) {
      converters.forEach(([, bundle], k) => { // interleaved, so that a change in the machine's load hits both alike
        const { loadMs, results } = JSON.parse(execFileSync(bin, [fileURLToPath(import.meta.url), '--child', bundle, notePath, String(runs)], { encoding: 'utf8', maxBuffer: 1 << 20 }));
        const s = samples[k];
        s.first.push(results[0].wall);
        s.firstCpu.push(results[0].cpu);
        s.warm.push(median(results.slice(1).map((r) => r.wall)));
        s.warmCpu.push(median(results.slice(1).map((r) => r.cpu)));
        s.load.push(loadMs);
      });
    }
    converters.forEach(([label], k) => {
      const s = samples[k];
      console.log(`  Node ${version}, ${label}: first conversion ${median(s.first).toFixed(0)} ms (${range(s.first)}), ${median(s.firstCpu).toFixed(0)} ms CPU (${range(s.firstCpu)})`
        + ` — target well under 200 ms; runs 2–${runs} ${median(s.warm).toFixed(0)} ms (${range(s.warm)}), ${median(s.warmCpu).toFixed(0)} ms CPU; loading the bundle ${median(s.load).toFixed(0)} ms`);
    });
  }
  console.log(`  medians and ranges over the processes (wall, and CPU = user + system of the process during the conversion); load average ${freshLoad} at the start, ${os.loadavg()[0].toFixed(1)} at the end`);
}
const loadEnd = (await import('node:os')).loadavg()[0].toFixed(1);
console.log(`median of ${RUNS} runs (wall, and CPU = user + system of this process); load average ${load} at the start, ${loadEnd} at the end, on ${(await import('node:os')).cpus().length} cores`);
