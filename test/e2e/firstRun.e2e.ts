// The whole first run through the UI (issue 6): the Trilium view's welcome → "Sync from a Trilium Server" → server
// URL and password in input boxes → the initial sync → the tree shows the notes → open a note → edit → save → the
// change is on the server (read from the server's own replica file). The status bar passes through its states:
// syncing → synced → syncing (after the edit) → synced → offline (server stopped).
import * as assert from 'assert';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { fillInputBox } from './quickInput';
import type { E2ETest } from './types';

const PASSWORD = 'first-run-secret';
const NOTE_TITLE = 'Welcome to Trilium in VS Code';
const EDIT = 'Edited in VS Code during the first run';

/** Reads one note's content from a replica file (the server's), read-only, while the server runs. */
async function serverNoteContent(dataDir: string, title: string): Promise<string | null> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite3 = require('@vscode/sqlite3') as typeof import('@vscode/sqlite3');
  const db = new sqlite3.Database(path.join(dataDir, 'document.db'), sqlite3.OPEN_READONLY);
  try {
    return await new Promise<string | null>((resolve, reject) => db.get(
      `SELECT b.content AS content FROM notes n JOIN blobs b ON b.blobId = n.blobId WHERE n.title = ? AND n.isDeleted = 0`,
      [title],
      (err: Error | null, row: { content: string | Buffer } | undefined) => (err ? reject(err) : resolve(row ? String(row.content) : null)),
    ));
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

async function waitUntil<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Records every text the Trilium status bar item shows, however briefly. */
async function recordStatusBar(page: Page): Promise<void> {
  // A string, because this project compiles without the DOM library; it runs in the page.
  await page.evaluate(`(() => {
    window.__triliumStatus = [];
    const seen = () => {
      for (const item of document.querySelectorAll('.part.statusbar .statusbar-item')) {
        const text = (item.textContent || '').trim();
        if (text.startsWith('Trilium') && window.__triliumStatus[window.__triliumStatus.length - 1] !== text) window.__triliumStatus.push(text);
      }
    };
    new MutationObserver(seen).observe(document.querySelector('.part.statusbar'), { subtree: true, childList: true, characterData: true, attributes: true });
    seen();
  })()`);
}

const statusHistory = (page: Page) => page.evaluate('window.__triliumStatus') as Promise<string[]>;

const tests: E2ETest[] = [
  {
    name: 'first run: welcome → sync from server → tree → edit a note → the change is on the server',
    timeoutMs: 300_000,
    async prepare(ctx) {
      await ctx.startSyncServer({ password: PASSWORD, sampleNotes: true });
      return { settings: { 'trilium.sync.intervalSeconds': 600 } };
    },
    async run(t) {
      const { page } = t;
      const server = t.prepared.syncServers[0];
      await recordStatusBar(page);

      // 1. The welcome view offers the two ways in.
      await t.openViewContainer('Trilium');
      const welcome = page.locator('.part.sidebar .welcome-view-content').first();
      await welcome.waitFor({ state: 'visible', timeout: 60_000 });
      await welcome.getByText('Start a New Local Document').waitFor({ state: 'visible' });
      await t.screenshot('first-run-1-welcome');

      // 2. Server URL, then password.
      await welcome.getByText('Sync from a Trilium Server').click();
      await fillInputBox(page, /Address of the Trilium sync server/, server.url);
      await page.locator('.quick-input-widget', { hasText: /Password of the Trilium server/ }).waitFor({ state: 'visible', timeout: 30_000 });
      await t.screenshot('first-run-2-password');
      await fillInputBox(page, /Password of the Trilium server/, PASSWORD);

      // 3. The initial sync ends with a notification, and the tree shows the notes.
      const done = await t.waitForNotification(/synced \d+ notes from/, 120_000);
      t.log(done);
      const rows = page.locator('.part.sidebar .pane', { hasText: 'Notes' }).locator('.monaco-list-row');
      const welcomeRow = rows.filter({ hasText: NOTE_TITLE }).first();
      await welcomeRow.waitFor({ state: 'visible', timeout: 60_000 });
      await rows.filter({ hasText: 'Projects' }).first().waitFor({ state: 'visible' });
      await t.waitForStatusBarItem(/Trilium: synced/, 60_000);
      await t.screenshot('first-run-3-tree');

      // 4. Open the note, edit, save.
      await welcomeRow.click();
      const editor = page.locator('.part.editor .monaco-editor').first();
      await editor.locator('.view-lines', { hasText: 'Welcome' }).waitFor({ state: 'visible', timeout: 60_000 });
      const tab = await page.locator('.part.editor .tab.active').first().textContent();
      t.log(`editor tab: ${tab}`);
      await editor.locator('.view-lines').click();
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      await page.keyboard.type(EDIT);
      await page.keyboard.press('Control+S');
      await page.locator('.part.editor .tab.active.dirty').waitFor({ state: 'detached', timeout: 30_000 });
      await t.screenshot('first-run-4-edited');

      // 5. The scheduler syncs soon after the save: the server's replica file has the edit.
      const content = await waitUntil('the edit on the server', async () => {
        const c = await serverNoteContent(server.dataDir, NOTE_TITLE);
        return c && c.includes(EDIT) ? c : null;
      }, 60_000);
      assert.match(content, /<strong>demo document<\/strong>/, 'the rest of the note kept its formatting');
      await t.waitForStatusBarItem(/Trilium: synced/, 60_000);
      await t.screenshot('first-run-5-synced');

      // 6. With the server gone, Sync Now leaves the status bar offline.
      server.stop();
      await t.runCommand('Trilium: Sync Now');
      await t.waitForStatusBarItem(/Trilium: offline/, 60_000);
      await t.screenshot('first-run-6-offline');

      const history = await statusHistory(page);
      t.log(`status bar: ${history.join(' → ')}`);
      const first = (re: RegExp) => history.findIndex((s) => re.test(s));
      assert.ok(first(/syncing/) >= 0, `no syncing state in ${history.join(' | ')}`);
      assert.ok(first(/synced/) > first(/syncing/), 'synced comes after syncing');
      assert.ok(first(/offline/) > first(/synced/), 'offline comes last');
    },
  },
];

export default tests;
