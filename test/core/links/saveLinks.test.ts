// Link relations derived from content on save, as Trilium's saveLinks keeps them: created, changed, removed.
import { strict as assert } from 'node:assert';
import type { Replica } from '../../../src/storage';
import { findLinks } from '../../../src/storage/links/findLinks';
import { changesOf, cleanupDirs, newDoc } from '../storage/helpers';

async function links(r: Replica, noteId: string): Promise<string[]> {
  return (await r.getAttributes(noteId)).filter((a) => a.type === 'relation').map((a) => `${a.name}>${a.value}`).sort();
}

describe('links: relations derived from content', () => {
  let r: Replica;
  let a: string;
  let b: string;
  let img: string;
  let source: string;
  beforeEach(async () => {
    r = await newDoc();
    a = (await r.createNote({ parentNoteId: 'root', title: 'A' })).noteId;
    b = (await r.createNote({ parentNoteId: 'root', title: 'B' })).noteId;
    img = (await r.createNote({ parentNoteId: 'root', title: 'pic.png', type: 'image', mime: 'image/png', content: Buffer.from([1, 2, 3]) })).noteId;
    source = (await r.createNote({ parentNoteId: 'root', title: 'Source' })).noteId;
  });
  afterEach(async () => { await r.close(); cleanupDirs(); });

  it('finds internal links, images and includes in text, notes on a relation map, and mind map links', () => {
    const html = `<p><a class="reference-link" href="#root/${a}">A</a> <a href="https://x.org/#root/p/${b}/">B</a>
      <img src="api/images/${img}/pic.png"> <img src="https://host/api/images/${a}/x.png"> <a href="https://example.com">out</a></p>
      <section class="include-note" data-note-id="${b}" data-box-size="medium">&nbsp;</section>`;
    assert.deepEqual(findLinks('text', html).map((l) => `${l.name}>${l.noteId}`).sort(),
      [`imageLink>${a}`, `imageLink>${img}`, `includeNoteLink>${b}`, `internalLink>${a}`, `internalLink>${b}`].sort());
    assert.deepEqual(findLinks('relationMap', JSON.stringify({ notes: [{ noteId: a, x: 1 }, { noteId: b }], relations: [] })).map((l) => l.name + '>' + l.noteId),
      [`relationMapLink>${a}`, `relationMapLink>${b}`]);
    assert.deepEqual(findLinks('mindMap', JSON.stringify({ nodeData: { children: [{ hyperLink: `#root/${a}` }] } })).map((l) => l.noteId), [a]);
    assert.deepEqual(findLinks('code', `href="#root/${a}"`), [], 'code notes are not scanned');
    assert.deepEqual(findLinks('relationMap', 'not json'), []);
  });

  it('a save creates the relations, a later save changes them, removing a link deletes its relation', async () => {
    await r.setNoteContent(source, `<p><a href="#root/${a}">A</a> and <img src="api/images/${img}/pic.png"></p>`);
    assert.deepEqual(await links(r, source), [`imageLink>${img}`, `internalLink>${a}`]);
    const first = (await r.getAttributes(source)).find((x) => x.name === 'internalLink')!;
    const ec = await changesOf(r.dataDir, 'attributes', first.attributeId);
    assert.equal(ec.length, 1, 'the relation has its entity change, so it syncs');
    assert.equal(ec[0].isSynced, 1);

    // the same link twice and an unchanged one: nothing rewritten
    await r.setNoteContent(source, `<p><a href="#root/${a}">A</a> <a href="#root/x/${a}">A again</a> <img src="api/images/${img}/pic.png"></p>`);
    const kept = (await r.getAttributes(source)).find((x) => x.name === 'internalLink')!;
    assert.equal(kept.attributeId, first.attributeId, 'an existing link relation is kept, not recreated');
    assert.deepEqual(await links(r, source), [`imageLink>${img}`, `internalLink>${a}`]);

    // the link now points at B and the image is gone; an include appears
    await r.setNoteContent(source, `<p><a href="#root/${b}">B</a></p><section class="include-note" data-note-id="${a}"></section>`);
    assert.deepEqual(await links(r, source), [`includeNoteLink>${a}`, `internalLink>${b}`]);
    const removed = await changesOf(r.dataDir, 'attributes', first.attributeId);
    assert.equal(removed.length, 1);
    const row = (await r.getAttributes(source)).find((x) => x.attributeId === first.attributeId);
    assert.equal(row, undefined, 'the old relation is deleted');

    await r.setNoteContent(source, '<p>no links</p>');
    assert.deepEqual(await links(r, source), []);
  });

  it('links to missing notes make no relation; user relations are left alone', async () => {
    await r.addAttribute(source, 'relation', 'author', a);
    await r.setNoteContent(source, `<p><a href="#root/doesNotExist1">x</a> <a href="#root/${b}">B</a></p>`);
    assert.deepEqual(await links(r, source), [`author>${a}`, `internalLink>${b}`]);
    await r.setNoteContent(source, '<p>none</p>');
    assert.deepEqual(await links(r, source), [`author>${a}`]);
  });

  it('backlinks list the notes pointing at a note, from links and relations', async () => {
    await r.setNoteContent(source, `<p><a href="#root/${a}">A</a></p>`);
    await r.addAttribute(b, 'relation', 'seeAlso', a);
    const back = await r.getBacklinks(a);
    assert.deepEqual(back.map((x) => [x.title, x.relation]), [['B', 'seeAlso'], ['Source', 'internalLink']]);
    await r.setNoteContent(source, '<p>gone</p>');
    assert.deepEqual((await r.getBacklinks(a)).map((x) => x.title), ['B']);
  });
});
