// Issue 14 in the packaged extension, through the UI: the Attributes view with promoted attributes filled in (added
// with "Add Attribute…", the empty field set by clicking it), and "Search Notes…" with a search language query.
import * as assert from 'assert';
import { fillInputBox } from './quickInput';
import type { E2ETest } from './types';

const tests: E2ETest[] = [
  {
    name: 'Attributes view with promoted fields filled in; Search Notes… with #label=value',
    timeoutMs: 300_000,
    async prepare(ctx) {
      const server = await ctx.startSyncServer({ password: 'e2e-daily', sampleNotes: true });
      return {
        env: { TRILIUM_DEMO_SERVER_URL: server.url, TRILIUM_DEMO_PASSWORD: server.password },
        settings: { 'trilium.sync.autoSync': false },
      };
    },
    async run(t) {
      const { page } = t;
      await t.openViewContainer('Trilium');
      await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Projects' }).first().waitFor({ state: 'visible', timeout: 120_000 });

      await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Projects' }).first().locator('.monaco-tl-twistie').click();
      const garden = page.locator('.part.sidebar .monaco-list-row', { hasText: 'Garden planner' }).first();
      await garden.waitFor({ state: 'visible', timeout: 30_000 });
      await garden.click();
      await page.locator('.part.editor .tab', { hasText: 'Garden planner' }).first().waitFor({ state: 'visible', timeout: 30_000 });

      // two promoted definitions: one the note already has a value for (#status=active), one filled in here
      for (const text of ['#label:status=promoted,single,text', '#label:priority=promoted,single,number']) {
        await t.runCommand('Trilium: Add Attribute…');
        await fillInputBox(page, /Add Attribute|#label/, text);
      }
      const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Attributes' }) });
      const priority = pane.locator('.monaco-list-row', { hasText: 'priority' }).first();
      await priority.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await priority.innerText(), /empty: click to set/);
      await priority.click();
      await fillInputBox(page, /priority/i, '3');
      await pane.locator('.monaco-list-row', { hasText: /priority\s*3/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
      const rows = await pane.locator('.monaco-list-row').allInnerTexts();
      const flat = rows.map((r) => r.replace(/\s+/g, ' ').trim());
      assert.ok(flat.some((r) => /^status\s*active/.test(r)), `the status field shows its value: ${flat.join(' | ')}`);
      assert.ok(flat.some((r) => /^priority\s*3/.test(r)), `the priority field shows 3: ${flat.join(' | ')}`);
      assert.ok(flat.some((r) => /#label:priority/.test(r)), `the definition is listed: ${flat.join(' | ')}`);
      await t.screenshot('attributes-promoted');

      await t.runCommand('Trilium: Search Notes…');
      await fillInputBox(page, /Search Trilium notes|Words, #label/, '#priority >= 3 or #status=active');
      const results = page.locator('.quick-input-widget', { hasText: /match "#priority >= 3 or #status=active"/ });
      await results.waitFor({ state: 'visible', timeout: 30_000 });
      const hits = (await results.locator('.monaco-list-row').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
      assert.deepStrictEqual(hits.length, 1, `one note matches: ${hits.join(' | ')}`);
      assert.match(hits[0], /Garden planner/);
      assert.match(await results.innerText(), /1 note match/);
      await t.screenshot('search-language-results');
      await page.keyboard.press('Escape');
    },
  },
];

export default tests;
