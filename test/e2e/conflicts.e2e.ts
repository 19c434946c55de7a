// Sync conflicts through the real UI (issue 7): VS Code (client A, set up from the demo server) and a second client
// B edit the same note; A's Sync Now reports the conflict, Compare shows both texts in a diff editor (screenshot),
// the Conflicts view lists it, and "Restore the Other Version" brings A's text back to the server and to B.
import * as assert from 'assert';
import { setUpOtherClient, type OtherClient } from './otherClient';
import type { E2ETest } from './types';

const TITLE = 'Conflict demo';
const A_TEXT = 'A typed this in VS Code while offline.';
const B_TEXT = 'B wrote this later on another instance.';

let b: OtherClient | undefined;

function text(content: string | Buffer | null): string {
  return content === null ? '' : typeof content === 'string' ? content : content.toString('utf8');
}

async function syncB(): Promise<void> {
  const result = await b!.engine.sync();
  assert.strictEqual(result.hashCheck, 'passed', 'client B converged with the server');
}

const tests: E2ETest[] = [
  {
    name: 'a sync conflict shows in the Conflicts view and a diff of both texts; restoring syncs out',
    timeoutMs: 240_000,
    async prepare(ctx) {
      const server = await ctx.startSyncServer({ password: 'conflict-e2e' });
      b = await setUpOtherClient(ctx, server, 'client-b');
      await b.replica.createNote({ parentNoteId: 'root', title: TITLE, content: '<p>Draft</p>' });
      await syncB();
      return {
        env: { TRILIUM_DEMO_SERVER_URL: server.url, TRILIUM_DEMO_PASSWORD: server.password },
        settings: { 'trilium.sync.autoSync': false },
      };
    },
    async run(t) {
      const { page } = t;
      try {
        const noteId = (await b!.replica.searchTitles(TITLE, 5)).find((n) => n.title === TITLE)?.noteId;
        assert.ok(noteId, 'B created the note');

        // A opens the note from the tree and edits it (not synced: auto sync is off).
        await t.openViewContainer('Trilium');
        const treeRow = page.locator('.part.sidebar .monaco-list-row', { hasText: TITLE }).first();
        await treeRow.waitFor({ state: 'visible', timeout: 90_000 });
        await treeRow.click();
        const editor = page.locator('.part.editor .monaco-editor', { hasText: 'Draft' }).first();
        await editor.waitFor({ state: 'visible', timeout: 30_000 });
        await editor.locator('.view-lines').click();
        await page.keyboard.press('Control+A');
        await page.keyboard.type(A_TEXT);
        // (the harness may auto-save, so the tab need not show as dirty)
        await page.keyboard.press('Control+S');
        await page.locator('.part.editor .tab.active.dirty').waitFor({ state: 'detached', timeout: 30_000 });

        // B edits the same note a moment later (so B's edit is the newer one) and syncs first.
        await page.waitForTimeout(3000);
        await b!.replica.setNoteContent(noteId, `<p>${B_TEXT}</p>`);
        await syncB();

        // A syncs: the newer edit from B wins, A's is kept as a revision, and A is told.
        await t.runCommand('Trilium: Sync Now');
        const message = await t.waitForNotification(/Sync conflict on "Conflict demo"/, 60_000);
        assert.match(message, /your version lost/);
        await t.screenshot('conflicts-notification');
        await page.locator('.notification-toast', { hasText: 'Sync conflict' }).getByRole('button', { name: 'Compare' }).click();

        // The Conflicts view lists it, and the diff editor shows the losing text against the current one.
        const conflictRow = page.locator('.part.sidebar .monaco-list-row', { hasText: 'yours lost' }).first();
        await conflictRow.waitFor({ state: 'visible', timeout: 30_000 });
        assert.match(await conflictRow.innerText(), /Conflict demo/);
        const diff = page.locator('.part.editor .monaco-diff-editor').first();
        await diff.waitFor({ state: 'visible', timeout: 30_000 });
        await diff.locator('.editor.original', { hasText: A_TEXT }).waitFor({ state: 'visible', timeout: 30_000 });
        await diff.locator('.editor.modified', { hasText: B_TEXT }).waitFor({ state: 'visible', timeout: 30_000 });
        await t.screenshot('conflicts-diff');

        // Restore the other version, sync, and B receives it through the server.
        await t.runCommand('Trilium: Restore the Other Version');
        await t.waitForNotification(/Restored the other version/, 30_000);
        await t.runCommand('Trilium: Sync Now');
        const deadline = Date.now() + 60_000;
        let onB = '';
        while (Date.now() < deadline) {
          await syncB();
          onB = text(await b!.replica.getNoteContent(noteId));
          if (onB.includes(A_TEXT)) break;
          await page.waitForTimeout(1000);
        }
        assert.match(onB, new RegExp(A_TEXT), 'the restored text reached the server and client B');
        await conflictRow.waitFor({ state: 'detached', timeout: 15_000 });
        await t.screenshot('conflicts-restored');

        // The note's revision history lists the kept versions (B's text, A's conflict revision).
        await page.locator('.part.editor .tab', { hasText: 'Conflict demo.md' }).first().click();
        await t.runCommand('Trilium: Show Note Revisions');
        const history = page.locator('.quick-input-widget', { hasText: 'Revisions of "Conflict demo"' });
        await history.waitFor({ state: 'visible', timeout: 30_000 });
        assert.ok(await history.locator('.monaco-list-row').count() >= 2, 'at least two revisions are listed');
        await t.screenshot('revision-history');
        await page.keyboard.press('Escape');
      } finally {
        await b?.replica.close();
        b = undefined;
      }
    },
  },
];

export default tests;
