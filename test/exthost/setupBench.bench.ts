// "Set Up Sync from Server" in the real extension host against a server given by bench/setup-vscode.mjs: the time
// to "synced" and how long the extension host's thread was busy at a stretch meanwhile. Prints `BENCH {json}` lines.
import * as assert from 'assert';
import { mkdtemp, writeFile } from 'fs/promises';
import { Session } from 'inspector';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { HostStallMonitor } from '../shared/stallMonitor';
import { functionsInWindow, recordSpawns, settle, threadCpuBetween, threadCpuSnapshot, threadPriorities } from './hostStalls';
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
    const spawnRecorder = recordSpawns();
    const spawnsFrom = performance.now();
    const api = await activate();
    await vscode.workspace.getConfiguration('trilium').update('sync.autoSync', false, vscode.ConfigurationTarget.Global);
    // A user sets up sync in a VS Code that has started: its start-up work in the extension host is not the set-up's.
    // TRILIUM_BENCH_SETTLE=0 starts at once.
    const settled = process.env.TRILIUM_BENCH_SETTLE === '0' ? undefined : await settle(spawnRecorder.lastAt);
    const stalls = new HostStallMonitor(spawnRecorder.during);
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
      stalls.label = `${p.phase}, ${p.pulled} changes pulled`;
    });
    const cpuBefore = cpuSnapshot();
    const threadsBefore = threadCpuSnapshot();
    const ownCpu = process.cpuUsage();
    // only the set-up in the stretches: the /proc scans of cpuSnapshot take the thread for tens of ms themselves
    stalls.label = 'the command, before its first progress';
    stalls.start();
    const t0 = performance.now();
    const t0Us = Number(process.hrtime.bigint() / 1000n);
    const ok = await vscode.commands.executeCommand<boolean>('trilium.setupFromServer', { serverUrl, password });
    const ms = performance.now() - t0;
    const summary = stalls.stop();
    const spawns = spawnRecorder.stop();
    const own = process.cpuUsage(ownCpu);
    const byThread = threadCpuBetween(threadsBefore, threadCpuSnapshot());
    const cpu = cpuBetween(cpuBefore, cpuSnapshot());
    progressSub.dispose();
    let running: string[] | undefined;
    let runningMostCpu: string[] | undefined;
    if (inspector) {
      const { profile } = await post('Profiler.stop') as { profile: Parameters<typeof functionsInWindow>[0] };
      await writeFile(profileFile!, JSON.stringify(profile));
      inspector.disconnect();
      if (summary.longest) running = functionsInWindow(profile, summary.longest.fromUs, summary.longest.toUs);
      if (summary.mostCpu) runningMostCpu = functionsInWindow(profile, summary.mostCpu.fromUs, summary.mostCpu.toUs);
    }
    assert.strictEqual(ok, true);
    const replica = api.services.session.requireReplica();
    const counts = await replica.counts();
    report('set up from server to synced', ms, {
      notes: counts.notes, driver: replica.driver.name, sqlite: replica.driver.sqliteVersion, node: process.version, vscode: vscode.version,
    });
    if (pullEndedAt !== undefined) report('from the content check to "synced"', t0 + ms - pullEndedAt);
    const l = summary.longest;
    const round = (x: number | undefined) => (x === undefined ? undefined : Math.round(x));
    report('extension host: longest busy stretch between 10 ms timer ticks', l?.busyMs ?? 0, {
      longestGapMs: round(summary.longestGapMs), ticks: summary.ticks, gcTotals: summary.gcTotals, over50: summary.over50, p99BusyMs: round(summary.p99BusyMs),
      threadCpuMs: round(l?.threadCpuMs), waitedForCoreMs: round(l?.waitedForCoreMs), majorFaults: l?.majorFaults, gcMs: round(l?.gcMs), gcKinds: l?.gcKinds, during: l?.label, running,
      priorities: threadPriorities(), settled, spawns: spawns.map((sp) => ({ ...sp, atMs: Math.round(sp.atMs - (t0 - spawnsFrom)) })), longestFromMs: l && Math.round((l.fromUs - t0Us) / 1000),
      longestOwn: summary.longestOwn && { busyMs: round(summary.longestOwn.busyMs), threadCpuMs: round(summary.longestOwn.threadCpuMs), waitedForCoreMs: round(summary.longestOwn.waitedForCoreMs), majorFaults: summary.longestOwn.majorFaults, gcKinds: summary.longestOwn.gcKinds, during: summary.longestOwn.label, fromMs: Math.round((summary.longestOwn.fromUs - t0Us) / 1000) },
      mostCpu: summary.mostCpu && { busyMs: round(summary.mostCpu.busyMs), threadCpuMs: round(summary.mostCpu.threadCpuMs), majorFaults: summary.mostCpu.majorFaults, gcKinds: summary.mostCpu.gcKinds, during: summary.mostCpu.label, running: runningMostCpu },
    });
    report('cpu during the set-up', (own.user + own.system) / 1000, { byRole: cpu, byThread });
  });
});
