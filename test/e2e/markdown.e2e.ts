// A rich text note as Markdown through the real UI (issue 13): a note made on another client with a table, a to-do
// list, an admonition and an image attachment opens from the tree as Markdown (GFM table rows, `- [ ]`, `> [!NOTE]`,
// `![…](…)`; screenshot), and the project's preview renders the same constructs, the image from the replica and the
// math typeset by KaTeX, its fonts loaded under the webview's CSP (screenshot of the webview); VS Code's own Markdown
// preview shows the image attachment too.
import * as assert from 'assert';
import { deflateSync } from 'zlib';
import type { FrameLocator } from 'playwright-core';
import { setUpOtherClient, type OtherClient } from './otherClient';
import type { E2ETest } from './types';

const TITLE = 'Markdown showcase';

let b: OtherClient | undefined;

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A real PNG: `size`×`size` pixels, a blue square with an orange diagonal band (so it is visible in a screenshot). */
function smallPng(size = 64): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows: number[] = [];
  for (let y = 0; y < size; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < size; x++) rows.push(...(Math.abs(x - y) < size / 6 ? [240, 140, 30] : [40, 110, 220]));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const todo = (text: string, checked: boolean) => '<li><label class="todo-list__label">'
  + `<input type="checkbox"${checked ? ' checked="checked"' : ''} disabled="disabled">`
  + `<span class="todo-list__label__description">${text}</span></label></li>`;

function noteHtml(attachmentId: string): string {
  return '<h2>Release plan</h2>'
    + '<figure class="table"><table><thead><tr><th>Step</th><th>Owner</th></tr></thead>'
    + '<tbody><tr><td>Freeze branch</td><td>Ana</td></tr><tr><td>Tag release</td><td>Bo</td></tr></tbody></table></figure>'
    + `<ul class="todo-list">${todo('Write the changelog', true)}${todo('Publish the package', false)}</ul>`
    + '<aside class="admonition note"><p>Ship on a Tuesday.</p></aside>'
    + `<figure class="image"><img src="api/attachments/${attachmentId}/image/x.png" alt="diagram"></figure>`
    + '<p>Budget: <span class="math-tex">\\(\\sum_{i=1}^{n} c_i \\le B\\)</span> per release.</p>'
    + '<span class="math-tex">\\[x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}\\]</span>'
    + '<p>End of plan.</p>';
}

/** The document inside the preview's webview (code-server nests it: the webview iframe, then its active frame). */
function previewFrame(page: import('playwright-core').Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

const tests: E2ETest[] = [
  {
    name: 'a note with a table, a to-do list, an admonition and an image opens as Markdown and previews rendered',
    timeoutMs: 240_000,
    async prepare(ctx) {
      const server = await ctx.startSyncServer({ password: 'markdown-e2e' });
      b = await setUpOtherClient(ctx, server, 'client-b');
      const { noteId } = await b.replica.createNote({ parentNoteId: 'root', title: TITLE, content: '<p>Draft</p>' });
      const attachmentId = await b.replica.addAttachment(noteId, { role: 'image', mime: 'image/png', title: 'x.png', content: smallPng() });
      await b.replica.setNoteContent(noteId, noteHtml(attachmentId));
      const result = await b.engine.sync();
      assert.strictEqual(result.hashCheck, 'passed', 'client B converged with the server');
      await b.replica.close();
      b = undefined;
      return {
        env: { TRILIUM_DEMO_SERVER_URL: server.url, TRILIUM_DEMO_PASSWORD: server.password },
        settings: { 'trilium.sync.autoSync': false },
      };
    },
    async run(t) {
      const { page } = t;
      await t.openViewContainer('Trilium');
      const treeRow = page.locator('.part.sidebar .monaco-list-row', { hasText: TITLE }).first();
      await treeRow.waitFor({ state: 'visible', timeout: 90_000 });
      await treeRow.click();

      // The editor shows Markdown: the table's rows, the to-do items, the admonition and the image.
      const editor = page.locator('.part.editor .monaco-editor', { hasText: 'Release plan' }).first();
      await editor.waitFor({ state: 'visible', timeout: 30_000 });
      const lines = editor.locator('.view-lines');
      for (const expected of ['| Step | Owner |', '| Freeze branch | Ana |', '- [x] Write the changelog', '- [ ] Publish the package', '> [!NOTE]', '> Ship on a Tuesday.', '![diagram](']) {
        await editor.locator('.view-line', { hasText: expected }).first().waitFor({ state: 'visible', timeout: 10_000 })
          .catch(async () => assert.fail(`the editor shows "${expected}"; it shows:\n${await lines.innerText()}`));
      }
      await t.screenshot('markdown-editor');

      // The project's preview renders the constructs, the image inlined from the replica.
      await t.runCommand('Trilium: Open Preview');
      const frame = previewFrame(page);
      await frame.locator('table td', { hasText: 'Freeze branch' }).waitFor({ state: 'visible', timeout: 30_000 });
      assert.strictEqual(await frame.locator('table tr').count(), 3, 'a header row and two body rows');
      assert.strictEqual(await frame.locator('ul.todo-list input[type="checkbox"]').count(), 2);
      assert.strictEqual(await frame.locator('ul.todo-list input[type="checkbox"]:checked').count(), 1, 'one item is done');
      await frame.locator('aside.admonition.note', { hasText: 'Ship on a Tuesday.' }).waitFor({ state: 'visible', timeout: 10_000 });
      const img = frame.locator('figure.image img');
      await img.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match(String(await img.getAttribute('src')), /^data:image\/png;base64,/, 'the image comes from the replica');
      const width = await img.evaluate((el) => (el as { naturalWidth: number }).naturalWidth);
      assert.strictEqual(width, 64, 'the image decoded (a 64 px PNG)');
      const math = frame.locator('span.math-tex .katex');
      await math.first().waitFor({ state: 'visible', timeout: 10_000 });
      assert.strictEqual(await math.count(), 2, 'the inline and the display formula are typeset');
      const strutHeight = await frame.locator('.katex-display .katex-strut')
        .evaluateAll((els) => Math.max(...els.map((el) => (el as unknown as { getBoundingClientRect(): { height: number } }).getBoundingClientRect().height)));
      assert.ok(strutHeight > 20, `KaTeX's inline styles apply under the CSP (the fraction's strut is ${strutHeight} px high)`);
      const katexFonts = await frame.locator('body').evaluate(async (body) => {
        type Fonts = Iterable<{ family: string; status: string }> & { ready: Promise<unknown> };
        const fonts = (body as unknown as { ownerDocument: { fonts: Fonts } }).ownerDocument.fonts;
        await fonts.ready;
        return [...fonts].filter((f) => f.status === 'loaded' && f.family.includes('KaTeX')).map((f) => f.family);
      });
      assert.ok(katexFonts.length > 0, 'KaTeX fonts load from the extension under the CSP');
      await t.screenshot('markdown-preview');

      // VS Code's own Markdown preview shows the attachment too: read from the replica after its first render, as a
      // data: URI (its Content Security Policy allows data: images), and decoded.
      await editor.click();
      await t.runCommand('Markdown: Open Preview to the Side');
      type Img = { src: string; complete: boolean; naturalWidth: number };
      type Doc = { querySelector(selector: string): Img | null };
      const builtInImageWidth = async (): Promise<number> => {
        for (const f of page.frames()) {
          const width = await f.evaluate(() => {
            const doc = (globalThis as unknown as { document: Doc }).document;
            const img = doc.querySelector('figure.image img');
            if (!img || doc.querySelector('.note-content')) return 0; // the project's preview, checked above
            return img.src.startsWith('data:image/png;base64,') && img.complete ? img.naturalWidth : 0;
          }).catch(() => 0);
          if (width) return width;
        }
        return 0;
      };
      let builtInWidth = 0;
      for (const until = Date.now() + 30_000; !builtInWidth && Date.now() < until;) {
        builtInWidth = await builtInImageWidth();
        if (!builtInWidth) await page.waitForTimeout(250);
      }
      assert.strictEqual(builtInWidth, 64, 'VS Code\'s Markdown preview shows the attachment (a 64 px PNG as a data: URI)');
    },
  },
];

export default tests;
