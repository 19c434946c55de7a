// Images pasted into a note: the type from the bytes, the attachment's name and the link the note gets.
import { strict as assert } from 'node:assert';
import { renderMarkdown } from '../../../src/markdown/convert';
import { imageAttachmentHref, imageInsertText, imageTitle, imageTypeOf } from '../../../src/markdown/imageAttachments';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('image attachments from pasted images', () => {
  it('knows the image type from the bytes, not from what the clipboard claims', () => {
    assert.deepEqual(imageTypeOf(PNG), { mime: 'image/png', ext: 'png' });
    assert.deepEqual(imageTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0])), { mime: 'image/jpeg', ext: 'jpg' });
    assert.deepEqual(imageTypeOf(Buffer.from('GIF89a...')), { mime: 'image/gif', ext: 'gif' });
    assert.deepEqual(imageTypeOf(Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>')), { mime: 'image/svg+xml', ext: 'svg' });
    assert.equal(imageTypeOf(Buffer.from('just text')), undefined);
  });

  it('names the attachment after the file, or image.EXT', () => {
    assert.equal(imageTitle('/tmp/shots/Screen Shot.png', 'png'), 'Screen Shot.png');
    assert.equal(imageTitle('diagram', 'svg'), 'diagram.svg');
    assert.equal(imageTitle(undefined, 'png'), 'image.png');
  });

  it('links the attachment the way Trilium does, and the Markdown saves as figure.image', () => {
    const href = imageAttachmentHref('aB3dE5gH7jK9', 'Screen Shot.png');
    assert.equal(href, 'api/attachments/aB3dE5gH7jK9/image/Screen_Shot.png');
    const md = imageInsertText('markdown', 'Screen Shot.png', href);
    assert.equal(md, '![Screen Shot](api/attachments/aB3dE5gH7jK9/image/Screen_Shot.png)');
    assert.equal(renderMarkdown(`Before.\n\n${md}\n`), '<p>Before.</p><figure class="image"><img src="api/attachments/aB3dE5gH7jK9/image/Screen_Shot.png" alt="Screen Shot"></figure>');
    assert.equal(imageInsertText('html', 'a"b.png', href), `<figure class="image"><img src="${href}" alt="a&quot;b.png"></figure>`);
  });
});
