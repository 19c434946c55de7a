// Converts a 1 MB text note (the corpus notes repeated) HTML → Markdown → HTML and prints the times of issue 13:
// opening (conversion with the exactness proof; also for a note whose copies are numbered, so no block repeats: the
// figure with the target), saving after one edited word (right after opening, and cold), and saving unchanged.
// Usage: node bench/markdown.mjs [--mb 1] [--runs 5]
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { noteToMarkdown, markdownToNote, forgetLastConversion, renderDirect } = bundleConverter();
const { parseFragment } = require('parse5');

/** The converter bundled by esbuild as the packaged extension is (tsx would add a `__name` call to every closure). */
function bundleConverter() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const outfile = path.join(here, '.data', 'markdown-converter.cjs');
  require('esbuild').buildSync({
    stdin: { contents: "export * from './src/markdown/convert';\nexport { renderDirect } from './src/markdown/directRender';\n", resolveDir: path.join(here, '..'), loader: 'ts' },
    bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, outfile, logLevel: 'warning',
  });
  return require(outfile);
}

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
for (const [label, sources] of [['CKEditor-form notes', files.filter((f) => f.startsWith('ckeditor-')).map(read)], ['whole corpus (pretty-printed demo notes too)', files.map(read)]]) {
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
  const i = markdown.indexOf('Plain text');
  const edited = i >= 0 ? markdown.slice(0, i) + 'Edited' + markdown.slice(i + 5) : markdown + '\nEdited\n';
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
const loadEnd = (await import('node:os')).loadavg()[0].toFixed(1);
console.log(`median of ${RUNS} runs (wall, and CPU = user + system of this process); load average ${load} at the start, ${loadEnd} at the end, on ${(await import('node:os')).cpus().length} cores`);
