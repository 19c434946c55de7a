// The packaged extension in a fresh code-server, seen through a real browser (issue 2): the workbench loads, the
// Trilium view appears, and F1 → "Trilium: Test Sync" answers: unconfigured, with what to do; against the demo sync
// server, with the handshake result while the note tree and the status bar item show.
import * as assert from 'assert';
import type { E2ETest } from './types';

const tests: E2ETest[] = [
  {
    name: 'unconfigured: the Trilium view shows its welcome and Test Sync says what is missing',
    async run(t) {
      await t.openViewContainer('Trilium');
      await t.page.locator('.part.sidebar .welcome-view-content').first().waitFor({ state: 'visible', timeout: 60_000 });
      await t.screenshot('unconfigured-welcome');

      await t.runCommand('Trilium: Test Sync');
      const message = await t.waitForNotification(/Test Sync|sync server|not configured|not synced/i, 60_000);
      assert.match(message, /Trilium|Test Sync/, `unexpected Test Sync message: ${message}`);
      assert.ok(message.length > 30, `the message should say what to do: ${message}`);
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
