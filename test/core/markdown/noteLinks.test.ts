// Links to other notes in Markdown and HTML text (what the editor makes clickable) and what completion inserts.
import { strict as assert } from 'node:assert';
import { closingAfter, findNoteLinks, includedNoteIds, linkInsertText, linkTypingAt, noteHref } from '../../../src/markdown/noteLinks';
import { renderMarkdown } from '../../../src/markdown/convert';

const spans = (text: string) => findNoteLinks(text).map((l) => ({ text: text.slice(l.start, l.end), noteId: l.noteId }));

describe('note links in Markdown and HTML', () => {
  it('finds Markdown links, reference links and reference definitions to notes', () => {
    const md = 'See [a](#root/Abc123/Def456), [b](#root/Xyz789){.reference-link}, [c](<#root/Q1>) and [d].\n\n[d]: #root/R2';
    assert.deepEqual(spans(md), [
      { text: '#root/Abc123/Def456', noteId: 'Def456' },
      { text: '#root/Xyz789', noteId: 'Xyz789' },
      { text: '#root/Q1', noteId: 'Q1' },
      { text: '#root/R2', noteId: 'R2' },
    ]);
  });

  it('finds hrefs and included notes in HTML, and a link to the root note', () => {
    const html = '<p><a class="reference-link" href="#root/p1/n2/">T</a> <a href="#root">home</a></p><section class="include-note" data-note-id="Inc9" data-box-size="small">&nbsp;</section>';
    assert.deepEqual(spans(html), [
      { text: '#root/p1/n2/', noteId: 'n2' },
      { text: '#root', noteId: 'root' },
      { text: 'Inc9', noteId: 'Inc9' },
    ]);
  });

  it('an included note\'s embed links the note, and includedNoteIds lists what a note\'s HTML includes', () => {
    assert.deepEqual(spans('![The Last Question](#root/SwUPk8UkwOx5){.include-note size=medium}'), [{ text: '#root/SwUPk8UkwOx5', noteId: 'SwUPk8UkwOx5' }]);
    const html = '<section class="include-note" data-note-id="A1" data-box-size="small">&nbsp;</section><p data-note-id="No1">x</p>'
      + '<section\n  class="include-note" data-note-id="B2"> </section><section class="include-note" data-note-id="A1">&nbsp;</section>';
    assert.deepEqual(includedNoteIds(html), ['A1', 'B2']);
  });

  it('ignores #root inside other URLs and words', () => {
    assert.deepEqual(spans('[x](https://example.com/#root/abc) and text#root/abc and #rooted'), []);
  });

  it('knows when a link target or a [[ link is being typed', () => {
    assert.deepEqual(linkTypingAt('see [the plan]('), { kind: 'destination', from: 15, query: '' });
    assert.deepEqual(linkTypingAt('see [the plan](Pla'), { kind: 'destination', from: 15, query: 'Pla' });
    assert.deepEqual(linkTypingAt('see [[Pla'), { kind: 'wiki', from: 4, query: 'Pla' });
    assert.deepEqual(linkTypingAt('see ![[Pla'), { kind: 'embed', from: 4, query: 'Pla' });
    assert.equal(linkTypingAt('see [the plan] ('), undefined);
    assert.equal(linkTypingAt('see [the plan](x) and more'), undefined);
    assert.equal(linkTypingAt('plain text'), undefined);
  });

  it('inserts the href, or a whole reference link that renders as Trilium writes it', () => {
    const href = noteHref(['root', 'p1', 'n2'], 'n2');
    assert.equal(href, '#root/p1/n2');
    assert.equal(noteHref(undefined, 'n2'), '#root/n2');
    assert.equal(linkInsertText('destination', 'Plan', href), '#root/p1/n2');
    const wiki = linkInsertText('wiki', 'Plan [draft]', href);
    assert.equal(wiki, '[Plan \\[draft\\]](#root/p1/n2){.reference-link}');
    assert.equal(renderMarkdown(`See ${wiki}`), '<p>See <a class="reference-link" href="#root/p1/n2">Plan [draft]</a></p>');
    assert.equal(closingAfter('wiki', ']] rest'), 2);
    const embed = linkInsertText('embed', 'Plan [draft]', href);
    assert.equal(embed, '![Plan \\[draft\\]](#root/n2){.include-note}');
    assert.equal(renderMarkdown(embed), '<section class="include-note" data-note-id="n2">&nbsp;</section>');
    assert.equal(closingAfter('embed', ']]'), 2);
    assert.equal(closingAfter('destination', ')'), 0);
  });
});
