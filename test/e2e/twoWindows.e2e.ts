// Two VS Code windows on one replica (issue 15): two pages of one code-server, each with its own extension host,
// both on the document in the extension's global storage. Window A holds the sync lease; an edit it syncs in from
// the server shows in window B's open editor and tree; B saving its stale editor keeps the other text as a revision
// and shows the conflict; only one window's log shows timer syncs.
import * as assert from 'assert';
import * as fs from 'fs';
import { join } from 'path';
import { setUpOtherClient, type OtherClient } from './otherClient';
import type { E2ETest } from './types';

const TITLE = 'Shared between windows';
const FIRST = 'Original text of the note.';
const SECOND = 'Changed on another device, synced in by window A.';
const THIRD = 'A later change from the other device.';
const B_WORDS = 'Typed in window B.';

let c: OtherClient | undefined;

async function syncC(): Promise<void> {
  const result = await c!.engine.sync();
  assert.strictEqual(result.hashCheck, 'passed', 'the other device converged with the server');
}

/** The extension hosts' "Trilium Sync" logs under code-server's user data. */
function syncLogs(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('Trilium Sync.log')) out.push({ file: p, text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

const tests: E2ETest[] = [
  {
    name: 'two windows on one replica: one syncs, both see, a stale save keeps the other text',
    timeoutMs: 300_000,
    async prepare(ctx) {
      const server = await ctx.startSyncServer({ password: 'two-windows-e2e' });
      c = await setUpOtherClient(ctx, server, 'device-c');
      await c.replica.createNote({ parentNoteId: 'root', title: TITLE, content: `<p>${FIRST}</p>` });
      await syncC();
      return {
        env: { TRILIUM_DEMO_SERVER_URL: server.url, TRILIUM_DEMO_PASSWORD: server.password },
        settings: { 'trilium.sync.autoSync': true, 'trilium.sync.intervalSeconds': 10, 'files.autoSave': 'off' },
      };
    },
    async run(t) {
      const a = t.page;
      try {
        const noteId = (await c!.replica.searchTitles(TITLE, 5)).find((n) => n.title === TITLE)?.noteId;
        assert.ok(noteId);
        // Window A sets the document up (demo mode) and shows the tree.
        await t.openViewContainer('Trilium');
        await a.locator('.part.sidebar .monaco-list-row', { hasText: TITLE }).first().waitFor({ state: 'visible', timeout: 120_000 });
        await t.waitForStatusBarItem(/Trilium: synced/, 60_000);

        // Window B opens the same document (from the extension's global state) and the note in an editor.
        const w2 = await t.openWindow(join(t.runDir, 'second-folder'));
        const b = w2.page;
        await b.bringToFront();
        await w2.openViewContainer('Trilium');
        const bRow = b.locator('.part.sidebar .monaco-list-row', { hasText: TITLE }).first();
        await bRow.waitFor({ state: 'visible', timeout: 60_000 });
        await bRow.click();
        const bEditor = b.locator('.part.editor .monaco-editor').first();
        await bEditor.locator('.view-lines', { hasText: FIRST }).waitFor({ state: 'visible', timeout: 30_000 });
        await w2.waitForStatusBarItem(/Trilium: synced/, 30_000);

        // Another device changes the note; window A syncs it in; B's open editor and tree follow.
        await c!.replica.setNoteContent(noteId, `<p>${SECOND}</p>`);
        await c!.replica.renameNote(noteId, `${TITLE} (renamed)`);
        await syncC();
        await a.bringToFront();
        await t.runCommand('Trilium: Sync Now');
        await a.locator('.part.sidebar .monaco-list-row', { hasText: `${TITLE} (renamed)` }).first().waitFor({ state: 'visible', timeout: 30_000 });
        // (a page in the background is throttled by chromium, as a hidden window would be: look at B first)
        await b.bringToFront();
        const syncedInA = Date.now();
        await bEditor.locator('.view-lines', { hasText: SECOND }).waitFor({ state: 'visible', timeout: 15_000 });
        const seenInB = Date.now();
        await b.locator('.part.sidebar .monaco-list-row', { hasText: `${TITLE} (renamed)` }).first().waitFor({ state: 'visible', timeout: 15_000 });
        t.log(`window B's editor showed window A's sync ${seenInB - syncedInA} ms after A's tree did (B brought to the front then)`);
        await w2.screenshot('two-windows-b-follows');

        // B starts typing; meanwhile the other device changes the note again and A syncs that in.
        await b.bringToFront();
        await bEditor.locator('.view-lines').click();
        await b.keyboard.press('Control+End');
        await b.keyboard.type(` ${B_WORDS}`);
        await b.locator('.part.editor .tab.active.dirty').waitFor({ state: 'visible', timeout: 10_000 });
        await c!.replica.setNoteContent(noteId, `<p>${THIRD}</p>`);
        await c!.replica.renameNote(noteId, `${TITLE} v3`);
        await syncC();
        await a.bringToFront();
        await t.runCommand('Trilium: Sync Now');
        await b.bringToFront();
        await b.locator('.part.sidebar .monaco-list-row', { hasText: `${TITLE} v3` }).first().waitFor({ state: 'visible', timeout: 30_000 });

        // B saves its stale editor: VS Code says the file is newer; overwriting keeps the other text as a revision.
        await bEditor.locator('.view-lines').click();
        await b.keyboard.press('Control+S');
        const newer = b.locator('.notification-toast', { hasText: /newer/ }).first();
        await newer.waitFor({ state: 'visible', timeout: 30_000 });
        await newer.getByRole('button', { name: 'Overwrite' }).click();
        const told = await w2.waitForNotification(/had changed since this editor loaded it/, 30_000);
        assert.match(told, /kept as a revision/);
        await w2.screenshot('two-windows-stale-save');
        const conflictRow = b.locator('.part.sidebar .monaco-list-row', { hasText: 'theirs lost' }).first();
        await conflictRow.waitFor({ state: 'visible', timeout: 30_000 });
        // Window A sees the conflict too (its Conflicts view), and pushes B's save.
        await a.locator('.part.sidebar .monaco-list-row', { hasText: 'theirs lost' }).first().waitFor({ state: 'visible', timeout: 30_000 });

        const deadline = Date.now() + 60_000;
        let onC = '';
        while (Date.now() < deadline) {
          await syncC();
          const content = await c!.replica.getNoteContent(noteId);
          onC = content === null ? '' : String(content);
          if (onC.includes(B_WORDS)) break;
          await a.waitForTimeout(1000);
        }
        assert.match(onC, new RegExp(B_WORDS), 'B\'s save reached the server');
        const revisions = await c!.replica.getRevisions(noteId);
        let kept = false;
        for (const r of revisions) if (String(await c!.replica.getRevisionContent(r.revisionId)).includes(THIRD)) kept = true;
        assert.ok(kept, 'the text B had not seen is kept as a revision, on every device');

        // Only the lease holder's log shows timer syncs.
        await a.waitForTimeout(11_000);
        const logs = syncLogs(t.userDataDir);
        t.log(`sync logs: ${logs.map((l) => `${l.file.slice(t.userDataDir.length)} (${(l.text.match(/Timer sync/g) ?? []).length} timer syncs)`).join('; ')}`);
        assert.ok(logs.length >= 2, 'both windows write a Trilium Sync log');
        assert.strictEqual(logs.filter((l) => l.text.includes('Timer sync')).length, 1, 'exactly one window runs timer syncs');
      } finally {
        await c?.replica.close();
        c = undefined;
      }
    },
  },
];

export default tests;
