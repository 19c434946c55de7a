// The packaged extension in a fresh code-server, seen through a real browser (issue 2): the workbench loads, the
// Trilium view appears (unconfigured: its welcome), and against the demo sync server the note tree and the status
// bar item show and F1 → "Trilium: Test Sync" reports the handshake.
import * as assert from 'assert';
import type { E2ETest } from './types';

const tests: E2ETest[] = [
  {
    name: 'unconfigured: the Trilium view shows its welcome with the ways to set up',
    async run(t) {
      await t.openViewContainer('Trilium');
      const welcome = t.page.locator('.part.sidebar .welcome-view-content').first();
      await welcome.waitFor({ state: 'visible', timeout: 60_000 });
      const buttons = await welcome.locator('.monaco-button').allInnerTexts();
      assert.ok(buttons.some((b) => /server/i.test(b)), `no set-up-from-server button in the welcome view: ${buttons.join(' | ')}`);
      const status = await t.waitForStatusBarItem('Trilium', 60_000);
      assert.match(status, /not set up/);
      await t.screenshot('unconfigured-welcome');

      await t.runCommand('Trilium: Test Sync');
      const message = await t.waitForNotification(/Test Sync failed/i, 60_000);
      assert.match(message, /No Trilium document is set up yet/, `unexpected Test Sync message: ${message}`);
      await t.screenshot('unconfigured-test-sync');
    },
  },
  {
    name: 'demo server: note tree and status bar item appear; Test Sync reports a successful handshake',
    timeoutMs: 240_000,
    async prepare(ctx) {
      const server = await ctx.startSyncServer({ password: 'e2e-demo', sampleNotes: true });
      return {
        settings: { 'trilium.sync.serverUrl': server.url },
        env: { TRILIUM_DEMO_SERVER_URL: server.url, TRILIUM_DEMO_PASSWORD: server.password },
      };
    },
    async run(t) {
      await t.openViewContainer('Trilium');
      const rows = t.page.locator('.part.sidebar .pane', { hasText: 'Notes' }).locator('.monaco-list-row');
      await rows.first().waitFor({ state: 'visible', timeout: 120_000 });
      assert.ok((await rows.count()) > 0);
      const status = await t.waitForStatusBarItem('Trilium', 60_000);
      assert.match(status, /Trilium/);
      await t.screenshot('demo-tree-and-status');

      await t.runCommand('Trilium: Test Sync');
      const message = await t.waitForNotification(/handshake|Test Sync failed/i, 120_000);
      assert.match(message, /successful/i, `Test Sync did not succeed: ${message}`);
      await t.screenshot('demo-test-sync');
    },
  },
];

export default tests;
