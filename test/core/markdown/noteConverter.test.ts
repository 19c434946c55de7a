// The editor's note converter: the conversion worker gives the same Markdown and the same saved HTML as converting
// on the calling thread, leaves that thread free while it converts, and hands its work back to that thread if it stops.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forgetLastConversion, noteToMarkdown } from '../../../src/markdown/convert';
import { noteHtmlToStore, noteMarkdown } from '../../../src/markdown/worker/conversions';
import { convertOnThisThread, WorkerConverter } from '../../../src/markdown/worker/noteConverter';
import { warmUpNote, withOneWordEdited } from '../../../src/markdown/worker/warmUpNote';
import { warmUpWhenIdle, type WarmUpSession } from '../../../src/editor/converterWarmUp';

const DIR = join(__dirname, '../../fixtures/markdown-corpus');
const corpus = readdirSync(DIR).filter((f) => f.endsWith('.html')).sort().map((f) => readFileSync(join(DIR, f), 'utf8'));
const noTitles = new Map<string, string>();

/** About `mb` MB of CKEditor-form HTML with no block repeated (so the converter cannot skip repeats). */
const largeNote = (mb: number): string => warmUpNote(Math.ceil((mb * 1024 * 1024) / 3500));

describe('note converter: text notes converted in a worker thread', function () {
  this.timeout(120_000);
  let converter: WorkerConverter;
  const fallbacks: string[] = [];
  beforeEach(() => {
    fallbacks.length = 0;
    converter = new WorkerConverter({ onFallback: (reason) => fallbacks.push(reason) });
  });
  afterEach(() => converter.dispose());

  it('gives the Markdown and the saved HTML that converting on this thread gives, for every corpus note', async () => {
    const titles = new Map([['KSiXkBbBtHDC', 'Included note']]);
    for (const html of corpus) {
      const markdown = await converter.toMarkdown(html, titles);
      assert.equal(markdown, noteMarkdown(html, titles));
      const edited = withOneWordEdited(markdown);
      assert.equal(await converter.toNoteHtml(edited, html, titles), noteHtmlToStore(edited, html, titles));
    }
    assert.equal(converter.offThread, true);
    assert.deepEqual(fallbacks, []);
  });

  it('stores nothing for Markdown that is the note\'s own, and only the edited word otherwise', async () => {
    const html = '<p>First paragraph.</p><ul class="todo-list"><li><label class="todo-list__label"><input type="checkbox" disabled="disabled"><span class="todo-list__label__description">Task</span></label></li></ul><p>Last one.</p>';
    const markdown = await converter.toMarkdown(html, noTitles);
    assert.equal(await converter.toNoteHtml(markdown, html, noTitles), undefined);
    assert.equal(await converter.toNoteHtml(markdown.replace('Last', 'Final'), html, noTitles), html.replace('Last', 'Final'));
  });

  it('leaves the calling thread free while it converts a large note', async () => {
    const html = largeNote(1);
    await converter.warmUp({ sections: 20, passes: 1 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const markdown = await converter.toMarkdown(html, noTitles);
      assert.ok(markdown.length > 300_000, `${markdown.length} characters`);
    } finally {
      clearInterval(timer);
    }
    // on the calling thread the conversion holds the thread from start to end: no tick at all
    assert.ok(ticks >= 3, `${ticks} timer ticks while the worker converted`);
    let onThread = 0;
    const again = setInterval(() => onThread++, 1);
    forgetLastConversion();
    await convertOnThisThread.toMarkdown(html, noTitles);
    clearInterval(again);
    assert.equal(onThread, 0);
  });

  it('converts on the calling thread what the worker had not answered when it stopped, and says so once', async () => {
    const html = largeNote(1);
    const pending = converter.toMarkdown(html, noTitles);
    const worker = (converter as unknown as { worker: { terminate(): Promise<number> } }).worker;
    await worker.terminate();
    assert.equal(await pending, noteMarkdown(html, noTitles));
    assert.equal(converter.offThread, false);
    assert.equal(await converter.toMarkdown('<p>After.</p>', noTitles), 'After.\n');
    assert.equal(fallbacks.length, 1);
    assert.match(fallbacks[0], /converted on the extension host's thread: the conversion worker stopped \(exit \d+\)/);
  });

  it('passes the converter\'s errors on with their kind, and keeps converting in the worker', async () => {
    const notHtml = 42 as unknown as string;
    assert.throws(() => noteMarkdown(notHtml, noTitles), TypeError);
    await assert.rejects(converter.toMarkdown(notHtml, noTitles), (e: Error) => e.name === 'TypeError' && /is not a function/.test(e.message));
    assert.equal(await converter.toMarkdown('<p>Still here.</p>', noTitles), 'Still here.\n');
    assert.equal(converter.offThread, true);
    assert.deepEqual(fallbacks, []);
  });

  it('rejects what is still waiting when it is closed', async () => {
    const pending = converter.toMarkdown(largeNote(1), noTitles);
    converter.dispose();
    await assert.rejects(pending, /The note converter was closed/);
  });
});

describe('note converter: the warm-up note', () => {
  it('uses the dialect for most of its text, islands for the rest, and round-trips', () => {
    const html = warmUpNote(20);
    forgetLastConversion();
    const { markdown, islandChars, blocks } = noteToMarkdown(html);
    assert.ok(islandChars > 0 && islandChars / markdown.length < 0.35, `${islandChars} of ${markdown.length} characters in islands`);
    assert.ok(blocks.length > 20 * 20, `${blocks.length} blocks`);
    for (const marker of ['- [ ] Open', '- [x] Done', '> [!NOTE]', '![Photo', '| Name 1 |', '```text-x-python', '$x_1 + 1$', '[^']) {
      assert.ok(markdown.includes(marker), marker);
    }
    const edited = withOneWordEdited(markdown);
    assert.equal(noteHtmlToStore(edited, html, noTitles), html.replace('Text 1 ', 'Edited 1 '));
  });
});

describe('note converter: when it warms up', () => {
  class FakeSession implements WarmUpSession {
    replica: unknown = undefined;
    state = { kind: 'unconfigured' };
    private readonly replicaListeners = new Set<() => void>();
    private readonly stateListeners = new Set<() => void>();
    onDidChangeReplica(l: () => void) { this.replicaListeners.add(l); return { dispose: () => this.replicaListeners.delete(l) }; }
    onDidChangeState(l: () => void) { this.stateListeners.add(l); return { dispose: () => this.stateListeners.delete(l) }; }
    open() { this.replica = {}; for (const l of this.replicaListeners) l(); }
    setState(kind: string) { this.state = { kind }; for (const l of this.stateListeners) l(); }
    get listeners() { return this.replicaListeners.size + this.stateListeners.size; }
  }
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('once a document is open and no sync has run for the delay, once', async () => {
    const session = new FakeSession();
    let warmed = 0;
    const handle = warmUpWhenIdle({ warmUp: async () => { warmed++; } }, session, () => true, 30);
    await wait(60);
    assert.equal(warmed, 0, 'no document');
    session.setState('syncing');
    session.open();
    await wait(60);
    assert.equal(warmed, 0, 'a set-up is syncing');
    session.setState('idle');
    await wait(10);
    session.setState('syncing');
    await wait(60);
    assert.equal(warmed, 0, 'a sync started within the delay');
    session.setState('idle');
    await wait(60);
    assert.equal(warmed, 1);
    assert.equal(session.listeners, 0);
    session.setState('syncing');
    session.setState('idle');
    await wait(60);
    assert.equal(warmed, 1);
    handle.dispose();
  });

  it('not while text notes open as HTML, nor after it is disposed', async () => {
    const session = new FakeSession();
    session.open();
    session.setState('idle');
    let warmed = 0;
    let markdown = false;
    const handle = warmUpWhenIdle({ warmUp: async () => { warmed++; } }, session, () => markdown, 20);
    await wait(50);
    assert.equal(warmed, 0);
    markdown = true;
    session.setState('idle');
    handle.dispose();
    await wait(50);
    assert.equal(warmed, 0);
  });
});
