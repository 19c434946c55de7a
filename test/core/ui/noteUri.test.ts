// trilium: URIs and the MIME table: what name and language a note opens with.
import * as assert from 'assert';
import { binaryExtension, codeMimeInfo, mimeForExtension } from '../../../src/editor/mimeTable';
import { formatForExtension, noteExtension, notePath, parseNotePath, sanitizeTitle } from '../../../src/editor/noteUri';
import { codiconForIconClass, codiconForNote } from '../../../src/treeView/icons';
import { contextValue, displayTitle } from '../../../src/treeView/treeNode';

describe('note URIs and MIME types', () => {
  it('maps the common Trilium code MIME types to extensions and languages', () => {
    assert.deepStrictEqual(codeMimeInfo('application/javascript;env=frontend'), { ext: 'js', languageId: 'javascript' });
    assert.deepStrictEqual(codeMimeInfo('application/javascript;env=backend'), { ext: 'js', languageId: 'javascript' });
    assert.deepStrictEqual(codeMimeInfo('text/x-python'), { ext: 'py', languageId: 'python' });
    assert.deepStrictEqual(codeMimeInfo('text/x-sh'), { ext: 'sh', languageId: 'shellscript' });
    assert.deepStrictEqual(codeMimeInfo('application/json'), { ext: 'json', languageId: 'json' });
    assert.deepStrictEqual(codeMimeInfo('text/x-sqlite;schema=trilium'), { ext: 'sql', languageId: 'sql' });
    assert.deepStrictEqual(codeMimeInfo('text/x-unknown-thing'), { ext: 'txt', languageId: 'plaintext' });
    assert.strictEqual(mimeForExtension('py'), 'text/x-python');
  });

  it('names image and file notes by their own extension or their MIME', () => {
    assert.strictEqual(binaryExtension('diagram.PNG', 'image/png'), 'png');
    assert.strictEqual(binaryExtension('diagram', 'image/jpeg'), 'jpg');
    assert.strictEqual(binaryExtension('report', 'application/pdf'), 'pdf');
  });

  it('builds and parses stable paths by noteId with a readable, safe name', () => {
    assert.strictEqual(sanitizeTitle('a/b: c?'), 'a_b_ c_');
    assert.strictEqual(sanitizeTitle('  '), 'untitled');
    assert.strictEqual(notePath('abc123', 'My note', 'md'), '/abc123/My note.md');
    assert.strictEqual(notePath('img1', 'photo.png', 'png'), '/img1/photo.png');
    assert.deepStrictEqual(parseNotePath('/abc123/My note.md'), { noteId: 'abc123', ext: 'md' });
    assert.deepStrictEqual(parseNotePath('/abc123'), { noteId: 'abc123', ext: '' });
    assert.strictEqual(parseNotePath('/a/b/c'), null);
  });

  it('chooses the extension and the editing format per note type', () => {
    assert.strictEqual(noteExtension({ type: 'text', mime: 'text/html', title: 't' }, true), 'md');
    assert.strictEqual(noteExtension({ type: 'text', mime: 'text/html', title: 't' }, false), 'html');
    assert.strictEqual(noteExtension({ type: 'code', mime: 'text/x-python', title: 't' }, true), 'py');
    assert.strictEqual(noteExtension({ type: 'canvas', mime: 'application/json', title: 't' }, true), 'json');
    assert.strictEqual(formatForExtension('text', 'md'), 'markdown');
    assert.strictEqual(formatForExtension('text', 'html'), 'html');
    assert.strictEqual(formatForExtension('image', 'png'), 'binary');
  });

  it('maps note types and #iconClass to codicons', () => {
    assert.strictEqual(codiconForIconClass('bx bx-folder'), 'folder');
    assert.strictEqual(codiconForIconClass('bx bxs-star'), 'star-full');
    assert.strictEqual(codiconForIconClass('bx bx-no-such-icon'), null);
    assert.strictEqual(codiconForNote({ type: 'code' }), 'code');
    assert.strictEqual(codiconForNote({ type: 'text', iconClass: 'bx bx-calendar' }), 'calendar');
    assert.strictEqual(codiconForNote({ type: 'text', isProtected: 1 }), 'lock');
  });

  it('labels branches "prefix: title" and tags context values for when clauses', () => {
    assert.strictEqual(displayTitle({ prefix: 'Draft', title: 'Plan' }), 'Draft: Plan');
    assert.strictEqual(displayTitle({ prefix: null, title: 'Plan' }), 'Plan');
    assert.strictEqual(contextValue({ type: 'text', isProtected: 1, noteId: 'x' }), 'note.type-text.protected');
    assert.strictEqual(contextValue({ type: 'doc', isProtected: 0, noteId: '_hidden' }), 'note.type-doc.system');
  });
});
