// VS Code's Markdown preview shows what a note's Markdown does not hold: the content of included notes and the bytes
// of image attachments, read from a real replica into a cache that fills asynchronously and asks for a refresh.
import { strict as assert } from 'node:assert';
import MarkdownIt from 'markdown-it';
import type { Replica } from '../../../src/storage';
import { triliumPreviewPlugin } from '../../../src/markdown/previewPlugin';
import { PreviewResources } from '../../../src/preview/previewResources';
import { cleanupDirs, newDoc } from '../storage/helpers';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const trilium = { currentDocument: { scheme: 'trilium', path: '/host/Host.md' } };

describe('Markdown preview: included notes and image attachments from the replica', () => {
  let r: Replica;
  let included: string;
  let attachmentId: string;
  let refreshes: number;
  let refreshed: () => Promise<void>;
  let resources: PreviewResources;
  let md: MarkdownIt.MarkdownIt;

  beforeEach(async () => {
    r = await newDoc();
    included = (await r.createNote({ parentNoteId: 'root', title: 'The Last Question', content: '<p>Let there be <strong>light</strong>.</p>' })).noteId;
    const host = (await r.createNote({ parentNoteId: 'root', title: 'Host' })).noteId;
    attachmentId = await r.addAttachment(host, { role: 'image', mime: 'image/png', title: 'dot.png', content: PNG });
    refreshes = 0;
    let wake: () => void = () => undefined;
    refreshed = () => new Promise<void>((resolve) => (wake = resolve));
    resources = new PreviewResources(() => {
      refreshes++;
      wake();
    });
    resources.setReplica(r);
    md = triliumPreviewPlugin(new MarkdownIt({ html: true }), {
      includedNote: (id) => resources.includedNote(id),
      imageSrc: (src) => resources.imageSrc(src),
    });
  });
  afterEach(async () => {
    resources.dispose();
    await r.close();
    cleanupDirs();
  });

  it('an included note shows its title until it is read, then its content after one refresh', async () => {
    const source = `Before.\n\n![The Last Question](#root/${included}){.include-note size=medium}\n`;
    const filled = refreshed();
    const first = md.render(source, trilium);
    assert.match(first, new RegExp(`<section class="include-note" data-note-id="${included}" data-box-size="medium"><p class="include-note-title">The Last Question</p><p><em>Loading…</em></p></section>`));
    await filled;
    assert.equal(refreshes, 1);
    const second = md.render(source, trilium);
    assert.match(second, /<section class="include-note"[^>]*><p class="include-note-title"><a href="#" data-note-id="\w+">The Last Question<\/a><\/p><p>Let there be <strong>light<\/strong>\.<\/p><\/section>/);
    md.render(source, trilium);
    assert.equal(refreshes, 1, 'a hit reads nothing and asks for no refresh');
  });

  it('an image attachment becomes a data: URI of its bytes; an unknown one is read once and stays as it was', async () => {
    const source = `![A dot](api/attachments/${attachmentId}/image/dot.png)\n\n![Gone](api/attachments/nothere123/image/x.png)\n`;
    const filled = refreshed();
    assert.match(md.render(source, trilium), new RegExp(`<img src="api/attachments/${attachmentId}/image/dot.png" alt="A dot">`));
    await filled;
    const html = md.render(source, trilium);
    assert.match(html, new RegExp(`<figure class="image"><img src="data:image/png;base64,${PNG.toString('base64')}" alt="A dot"></figure>`));
    assert.match(html, /<img src="api\/attachments\/nothere123\/image\/x.png" alt="Gone">/);
    md.render(source, trilium);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(refreshes, 1);
  });

  it('a missing note says so; a change in the replica reads again and refreshes', async () => {
    const source = `![Old](#root/nothere123){.include-note}\n\n![](#root/${included}){.include-note}\n`;
    let filled = refreshed();
    md.render(source, trilium);
    await filled;
    assert.match(md.render(source, trilium), /<section class="include-note" data-note-id="nothere123"><p class="include-note-title">Old<\/p><p><em>This note does not exist\.<\/em><\/p><\/section>/);
    filled = refreshed();
    await r.setNoteContent(included, '<p>Changed.</p>');
    await filled;
    filled = refreshed();
    md.render(source, trilium);
    await filled;
    assert.match(md.render(source, trilium), /<p>Changed\.<\/p><\/section>/);
  });

  it('other Markdown files are left alone: an embed there is an image and nothing is read', async () => {
    const html = md.render(`![T](#root/${included}){.include-note}\n`, { currentDocument: { scheme: 'file', path: '/x.md' } });
    assert.ok(!html.includes('<section'), html);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(refreshes, 0);
  });
});
