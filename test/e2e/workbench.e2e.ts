// The packaged extension in a fresh code-server, seen through a real browser: the workbench loads, the Trilium view
// and the status bar item appear, and F1 → "Trilium: Test Sync" answers (unconfigured: it says what to set).
import * as assert from 'assert';
import type { E2ETest } from './types';

const tests: E2ETest[] = [
  {
    name: 'workbench shows the Trilium view and status item; Test Sync explains what is missing',
    async run(t) {
      await t.openViewContainer('Trilium');
      const status = await t.waitForStatusBarItem('Trilium');
      assert.match(status, /Trilium/);
      await t.screenshot('workbench-trilium-view');

      await t.runCommand('Trilium: Test Sync');
      const message = await t.waitForNotification(/sync server|serverUrl|not configured/i);
      assert.match(message, /trilium\.sync\.serverUrl|sync server/i, `unexpected Test Sync message: ${message}`);
      await t.screenshot('test-sync-unconfigured');
    },
  },
];

export default tests;
