// Renderer CPU of the status bar item while a sync runs: a spinning icon against a still one, 10 s each, with the
// text changing 4 times a second; then hidden (the cost of the updates themselves). Prints `BENCH {json}` lines.
// Usage: node scripts/run-exthost-tests.mjs --vscode newest test/exthost/spinCost.bench.ts
import * as vscode from 'vscode';
import { cpuBetween, cpuSnapshot } from './procCpu';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bench: status bar icon while syncing', function () {
  this.timeout(120_000);
  it('measures the renderer with a spinning and a still icon', async () => {
    const item = vscode.window.createStatusBarItem('trilium.spinBench', vscode.StatusBarAlignment.Left, 50);
    item.show();
    await sleep(3000);
    for (const icon of ['$(sync)', '$(sync~spin)', '$(sync)', '$(sync~spin)', 'none']) {
      const before = cpuSnapshot();
      for (let i = 0; i < 40; i++) {
        if (icon === 'none') item.hide();
        else item.text = `${icon} Trilium: syncing (pulled ${i * 1000}, outstanding ${400_000 - i * 1000})`;
        await sleep(250);
      }
      console.log(`BENCH ${JSON.stringify({ name: `status bar ${icon}, 10 s`, ms: 10_000, byRole: cpuBetween(before, cpuSnapshot()) })}`);
    }
    item.dispose();
  });
});
