// Protected notes through the real UI (issue 12): a protected note made on another client shows locked in the tree
// (screenshot), opening it offers to unlock, the password input unlocks it (real title, content in the editor;
// screenshot), an edit typed without saving never reaches a file of the run (VS Code's user data, the browser's profile, logs), and the session locks by
// itself after the document's protectedSessionTimeout (placeholders back, the editor closed).
import * as assert from 'assert';
import { filesWithMarkers } from '../shared/diskScan';
import { setUpOtherClient, type OtherClient } from './otherClient';
import type { E2ETest } from './types';

const PASSWORD = 'protected-e2e';
const TITLE = 'Diary of PLAINTEXT-TITLE-E2E';
const BODY = 'PLAINTEXT-BODY-E2E lives here.';
const TYPED = 'PLAINTEXT-TYPED-E2E';
const TIMEOUT_SECONDS = 20;

let b: OtherClient | undefined;

const tests: E2ETest[] = [
  {
    name: 'protected notes: locked in the tree, unlocked from the prompt, edits never on disk, auto-lock',
    timeoutMs: 300_000,
    async prepare(ctx) {
      const server = await ctx.startSyncServer({ password: PASSWORD });
      b = await setUpOtherClient(ctx, server, 'client-b');
      await b.replica.setOption('protectedSessionTimeout', String(TIMEOUT_SECONDS), true);
      await b.replica.unlock(PASSWORD);
      await b.replica.createNote({ parentNoteId: 'root', title: TITLE, content: `<p>${BODY}</p>`, isProtected: true });
      await b.replica.lock();
      const result = await b.engine.sync();
      assert.strictEqual(result.hashCheck, 'passed', 'client B converged with the server');
      return {
        env: { TRILIUM_DEMO_SERVER_URL: server.url, TRILIUM_DEMO_PASSWORD: server.password },
        settings: { 'trilium.sync.autoSync': false, 'files.hotExit': 'onExitAndWindowClose' },
      };
    },
    async run(t) {
      const { page } = t;
      try {
        await t.openViewContainer('Trilium');
        const notes = page.locator('.part.sidebar .pane', { hasText: 'Notes' });
        const lockedRow = notes.locator('.monaco-list-row', { hasText: '[protected]' }).first();
        await lockedRow.waitFor({ state: 'visible', timeout: 120_000 });
        assert.strictEqual(await notes.locator('.monaco-list-row', { hasText: 'PLAINTEXT' }).count(), 0, 'no real title while locked');
        assert.ok(await lockedRow.locator('.codicon-lock').count() > 0, 'the locked note has a lock icon');
        await t.screenshot('protected-locked');

        // Opening it while locked offers to unlock; the password goes into VS Code's password input.
        await lockedRow.click();
        await t.waitForNotification(/This note is protected/, 30_000);
        await page.locator('.notification-toast', { hasText: 'This note is protected' }).getByRole('button', { name: 'Unlock…' }).click();
        const input = page.locator('.quick-input-widget input[type="password"]');
        await input.waitFor({ state: 'visible', timeout: 30_000 });
        await input.fill('not the password');
        await page.keyboard.press('Enter');
        await t.waitForNotification(/not the document password/, 30_000);
        await input.waitFor({ state: 'visible', timeout: 30_000 });
        await input.fill(PASSWORD);
        await page.keyboard.press('Enter');

        const realRow = notes.locator('.monaco-list-row', { hasText: TITLE }).first();
        await realRow.waitFor({ state: 'visible', timeout: 30_000 });
        await t.waitForStatusBarItem(/Protected: unlocked/, 30_000);
        await realRow.click();
        const editor = page.locator('.part.editor .monaco-editor', { hasText: 'PLAINTEXT-BODY-E2E' }).first();
        await editor.waitFor({ state: 'visible', timeout: 30_000 });
        await t.screenshot('protected-unlocked');

        // Type without saving: the extension saves protected editors (encrypted) before VS Code's backup could copy them.
        await editor.locator('.view-lines').click();
        await page.keyboard.press('Control+End');
        await page.keyboard.type(` ${TYPED}`);
        await page.waitForTimeout(4000);
        // The run folder holds VS Code's user data, the browser profile, code-server's logs and both replicas.
        const onDisk = filesWithMarkers(t.runDir, ['PLAINTEXT-TITLE-E2E', 'PLAINTEXT-BODY-E2E', TYPED]);
        assert.deepStrictEqual(onDisk, [], 'no plaintext of the protected note in any file of this run');

        // The edit reached the replica (and, after a sync, the other client) encrypted.
        await t.runCommand('Trilium: Sync Now');
        const deadline = Date.now() + 60_000;
        let seen = '';
        await b!.replica.unlock(PASSWORD);
        const noteId = (await b!.replica.searchTitles('PLAINTEXT-TITLE-E2E', 5))[0]?.noteId;
        assert.ok(noteId, 'B finds the note by its title while unlocked');
        while (Date.now() < deadline) {
          await b!.engine.sync();
          const c = await b!.replica.getNoteContent(noteId);
          seen = c === null ? '' : String(c);
          if (seen.includes(TYPED)) break;
          await page.waitForTimeout(1000);
        }
        assert.match(seen, new RegExp(TYPED), 'the typed text reached client B through the server');

        // Auto-lock after the document's timeout: placeholders come back and the protected editor closes.
        await lockedRow.waitFor({ state: 'visible', timeout: (TIMEOUT_SECONDS + 40) * 1000 });
        await page.locator('.part.editor .tab', { hasText: 'PLAINTEXT' }).first().waitFor({ state: 'detached', timeout: 30_000 });
        assert.strictEqual(await notes.locator('.monaco-list-row', { hasText: 'PLAINTEXT' }).count(), 0, 'no real title after the auto-lock');
        await t.screenshot('protected-auto-locked');
      } finally {
        await b?.replica.close();
        b = undefined;
      }
    },
  },
];

export default tests;
