// "Set Up Sync from Server" in the real extension host against a server given by bench/setup-vscode.mjs: the time
// to "synced" and how long the extension host's thread was busy at a stretch meanwhile. Prints `BENCH {json}` lines.
import * as assert from 'assert';
import { mkdtemp, writeFile } from 'fs/promises';
import { Session } from 'inspector';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { cpuBetween, cpuSnapshot } from './procCpu';
import { activate } from './uiFixture';

function report(name: string, ms: number, extra: Record<string, unknown> = {}): void {
  console.log(`BENCH ${JSON.stringify({ name, ms: Math.round(ms), ...extra })}`);
}

describe('bench: Set Up Sync from Server in the extension host', function () {
  this.timeout(1_800_000);

  it('sets up from the bench server', async () => {
    const serverUrl = process.env.TRILIUM_BENCH_SERVER_URL;
    const password = process.env.TRILIUM_BENCH_PASSWORD;
    assert.ok(serverUrl && password, 'run through bench/setup-vscode.mjs');
    await mkdtemp(join(tmpdir(), 'trilium-setup-bench-'));
    const api = await activate();
    await vscode.workspace.getConfiguration('trilium').update('sync.autoSync', false, vscode.ConfigurationTarget.Global);
    let ticks = 0;
    let longestBusy = 0;
    let longestGap = 0;
    let lastElu = performance.eventLoopUtilization();
    let last = performance.now();
    // the thread's own CPU time between ticks where Node can tell it (Node ≥ 23.9): what ran on it, without the time
    // the OS gave other processes in the middle of a task, which the event-loop utilization also counts
    const threadCpu = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
    const cpuMs = () => { const u = threadCpu!.call(process); return (u.user + u.system) / 1000; };
    let longestCpu = 0;
    let lastCpu = threadCpu ? cpuMs() : 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestBusy = Math.max(longestBusy, performance.eventLoopUtilization(lastElu).active);
      longestGap = Math.max(longestGap, now - last);
      lastElu = performance.eventLoopUtilization();
      if (threadCpu) { const c = cpuMs(); longestCpu = Math.max(longestCpu, c - lastCpu); lastCpu = c; }
      last = now;
      ticks++;
    }, 10);
    // TRILIUM_BENCH_CPU_PROFILE=FILE: a CPU profile of the extension host's thread during the set-up
    const profileFile = process.env.TRILIUM_BENCH_CPU_PROFILE;
    const inspector = profileFile ? new Session() : undefined;
    const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) =>
      inspector!.post(method, params ?? {}, (e, r) => (e ? reject(e) : resolve(r))));
    if (inspector) {
      inspector.connect();
      await post('Profiler.enable');
      await post('Profiler.start');
    }
    // when the pull ended (the last progress event before the content check): what follows is hashing and the glue
    let pullEndedAt: number | undefined;
    const progressSub = api.services.session.onDidProgress((p) => {
      if (p.phase === 'check' && pullEndedAt === undefined) pullEndedAt = performance.now();
    });
    const cpuBefore = cpuSnapshot();
    const ownCpu = process.cpuUsage();
    const t0 = performance.now();
    const ok = await vscode.commands.executeCommand<boolean>('trilium.setupFromServer', { serverUrl, password });
    const ms = performance.now() - t0;
    const own = process.cpuUsage(ownCpu);
    const cpu = cpuBetween(cpuBefore, cpuSnapshot());
    clearInterval(timer);
    progressSub.dispose();
    if (inspector) {
      const { profile } = await post('Profiler.stop') as { profile: unknown };
      await writeFile(profileFile!, JSON.stringify(profile));
      inspector.disconnect();
    }
    assert.strictEqual(ok, true);
    const replica = api.services.session.requireReplica();
    const counts = await replica.counts();
    report('set up from server to synced', ms, {
      notes: counts.notes, driver: replica.driver.name, sqlite: replica.driver.sqliteVersion, node: process.version, vscode: vscode.version,
    });
    if (pullEndedAt !== undefined) report('from the content check to "synced"', t0 + ms - pullEndedAt);
    report('extension host: longest busy stretch between 10 ms timer ticks', longestBusy, { longestGapMs: Math.round(longestGap), ticks, ...(threadCpu ? { longestThreadCpuMs: Math.round(longestCpu) } : {}) });
    report('cpu during the set-up', (own.user + own.system) / 1000, { byRole: cpu });
  });
});
