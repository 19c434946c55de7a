// Several real processes on one replica (issue 15): one sync at a time, a killed lease holder replaced, commits
// of one process seen by the others within a second, and a stale save kept as a revision instead of lost.
import { strict as assert } from 'node:assert';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { bundleCli } from '../cli/bundleCli';
import { openReplica } from '../../../src/storage';
import { addSampleNotes } from '../../../src/sync/server/sampleNotes';
import type { RunningSyncServer } from '../../../src/sync/server/syncServer';
import { setupFromServer } from '../../../src/sync/setup';
import { PASSWORD, quietLogger, startServer, TempDirs } from '../sync/helpers';

const ROOT = resolve(__dirname, '../../..');
const CHILD = join(__dirname, 'child.ts');

interface Event { event: string; at: number; label: string; [k: string]: unknown }

class Child {
  readonly events: Event[] = [];
  private readonly waiters = new Set<() => void>();
  private nextId = 1;
  readonly proc: ChildProcess;

  constructor(readonly label: string, dataDir: string, serverUrl: string, intervalMs: number) {
    this.proc = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, dataDir, serverUrl, label, String(intervalMs)], {
      cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'],
    });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as Event);
      } catch {
        return;
      }
      for (const w of this.waiters) w();
    });
  }

  waitFor(pred: (e: Event) => boolean, timeoutMs = 20_000, what = 'an event'): Promise<Event> {
    return new Promise((done, fail) => {
      const check = () => {
        const hit = this.events.find(pred);
        if (!hit) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        done(hit);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        fail(new Error(`${this.label}: no ${what} within ${timeoutMs} ms; events: ${this.events.map((e) => e.event).join(', ')}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Sends a command and waits for its answer (the event with its id). */
  async ask(cmd: Record<string, unknown>, timeoutMs = 30_000): Promise<Event> {
    const id = this.nextId++;
    this.proc.stdin!.write(JSON.stringify({ ...cmd, id }) + '\n');
    const answer = await this.waitFor((e) => e.id === id, timeoutMs, `answer to ${String(cmd.op)}`);
    if (answer.event === 'failed') throw new Error(`${this.label}: ${String(answer.message)}`);
    return answer;
  }

  get holds(): boolean {
    const last = [...this.events].reverse().find((e) => e.event === 'holder' || e.event === 'standby');
    return last?.event === 'holder';
  }

  stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve();
    return new Promise((done) => {
      this.proc.once('exit', () => done());
      this.proc.kill('SIGKILL');
    });
  }
}

/** Work intervals [start, end] must not overlap. */
function assertNoOverlap(intervals: Array<{ who: string; startedAt: number; finishedAt: number }>): void {
  const sorted = [...intervals].sort((a, b) => a.startedAt - b.startedAt);
  for (let i = 1; i < sorted.length; i++) {
    assert.ok(sorted[i].startedAt >= sorted[i - 1].finishedAt,
      `${sorted[i].who} started a sync at ${sorted[i].startedAt} while ${sorted[i - 1].who}'s ran until ${sorted[i - 1].finishedAt}`);
  }
}

describe('many processes on one replica', function () {
  this.timeout(180_000);
  const dirs = new TempDirs();
  const children: Child[] = [];
  let server: RunningSyncServer;
  let dataDir: string;
  let cliPath: string;
  let noteId: string;

  function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((done) => {
      execFile(process.execPath, [cliPath, ...args, '--data', dataDir], { env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), TRILIUM_PASSWORD: PASSWORD } },
        (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });
  }

  function child(label: string, intervalMs = 1_000): Child {
    const c = new Child(label, dataDir, server.url, intervalMs);
    children.push(c);
    return c;
  }

  before(async () => {
    cliPath = await bundleCli(await dirs.make('trilium-mp-cli-'));
    server = await startServer(dirs, { populate: async (r) => { await addSampleNotes(r); } });
    dataDir = await dirs.make('trilium-mp-');
    const { replica } = await setupFromServer({ dataDir, serverUrl: server.url, password: PASSWORD, logger: quietLogger });
    noteId = (await replica.createNote({ parentNoteId: 'root', title: 'Shared', content: '<p>start</p>' })).noteId;
    await replica.close();
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.stop()));
  });
  after(async () => {
    await server.close();
    await dirs.cleanup();
  });

  it('syncs one process at a time: three windows and three CLI runs at once, only the holder does the work', async () => {
    const windows = [child('A', 400), child('B', 400), child('C', 400)];
    await Promise.all(windows.map((w) => w.waitFor((e) => e.event === 'ready')));
    await new Promise((r) => setTimeout(r, 1_500));
    const runs = await Promise.all([cli(['sync', '--json']), cli(['sync', '--json']), cli(['sync', '--json'])]);
    await new Promise((r) => setTimeout(r, 1_000));
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const holders = windows.filter((w) => w.events.some((e) => e.event === 'syncStart'));
    assert.equal(holders.length, 1, `windows that synced: ${holders.map((w) => w.label).join(', ')}`);
    assert.ok(holders[0].events.filter((e) => e.event === 'syncEnd').length >= 3, 'the holder keeps syncing on its timer');
    for (const run of runs) assert.equal(JSON.parse(run.stdout).syncedBy, holders[0].label, 'the CLI took the holder\'s run');
    const intervals = windows.flatMap((w) => w.events.filter((e) => e.event === 'syncEnd')
      .map((e) => ({ who: w.label, startedAt: e.startedAt as number, finishedAt: e.finishedAt as number })));
    assertNoOverlap(intervals);
  });

  it('CLI runs alone take turns: each syncs itself, never two at once', async () => {
    const runs = await Promise.all([1, 2, 3, 4].map(() => cli(['sync', '--json'])));
    const outs = runs.map((r, i) => {
      assert.equal(r.code, 0, r.stderr);
      return { who: `cli${i}`, ...(JSON.parse(r.stdout) as { syncedBy: string; startedAt: number; finishedAt: number }) };
    });
    const own = outs.filter((o) => o.syncedBy === 'self');
    assert.ok(own.length >= 1);
    assertNoOverlap(own);
  });

  it('a killed (SIGKILL) lease holder is replaced, and a closed one hands over at once', async () => {
    const a = child('A');
    const b = child('B');
    await Promise.all([a, b].map((c) => c.waitFor((e) => e.event === 'ready')));
    await Promise.race([a.waitFor((e) => e.event === 'holder'), b.waitFor((e) => e.event === 'holder')]);
    const [holder, other] = a.holds ? [a, b] : [b, a];
    await holder.waitFor((e) => e.event === 'syncEnd');
    const killedAt = Date.now();
    holder.proc.kill('SIGKILL');
    const took = await other.waitFor((e) => e.event === 'holder' && e.at >= killedAt, 10_000, 'take-over');
    const handOverMs = took.at - killedAt;
    await other.waitFor((e) => e.event === 'syncEnd' && (e.startedAt as number) >= took.at, 10_000, 'sync after take-over');
    // The third process waits for the new holder to close.
    const c = child('C');
    await c.waitFor((e) => e.event === 'ready');
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!c.holds);
    await other.ask({ op: 'exit' });
    const closedAt = Date.now();
    const next = await c.waitFor((e) => e.event === 'holder', 10_000, 'take-over after close');
    console.log(`      lease hand-over: ${handOverMs} ms after SIGKILL, ${next.at - closedAt} ms after a close`);
    assert.ok(handOverMs < 3_000, `hand-over took ${handOverMs} ms`);
  });

  it('a write by one process is seen by the others within a second, and the holder pushes it', async () => {
    const a = child('A', 60_000);
    const b = child('B', 60_000);
    await Promise.all([a, b].map((c) => c.waitFor((e) => e.event === 'ready')));
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const saved = await b.ask({ op: 'save', noteId, text: `<p>from B, round ${i}</p>` });
      const seen = await a.waitFor((e) => e.event === 'externalChange' && e.at >= saved.at && (e.noteIds as string[]).includes(noteId), 5_000, 'the change');
      latencies.push(seen.at - saved.at);
    }
    console.log(`      change seen by the other process after ${latencies.join(', ')} ms`);
    for (const ms of latencies) assert.ok(ms < 1_000, `seen after ${ms} ms`);
    const seenBy = a.events.find((e) => e.event === 'externalChange' && (e.noteIds as string[]).includes(noteId));
    assert.equal(seenBy?.origin, 'local', 'another process\'s edit counts as a local edit');
    // Whoever holds the lease pushes B's edit to the server soon (edit delay), without waiting for the 60 s timer.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await server.replica!.getNoteContent(noteId)) !== '<p>from B, round 4</p>') {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await server.replica!.getNoteContent(noteId), '<p>from B, round 4</p>');
  });

  it('a stale save is kept as a revision and recorded as a conflict, in both processes', async () => {
    const a = child('A', 60_000);
    const b = child('B', 60_000);
    await Promise.all([a, b].map((c) => c.waitFor((e) => e.event === 'ready')));
    await a.ask({ op: 'load', noteId });
    await b.ask({ op: 'load', noteId });
    const bSaved = await b.ask({ op: 'save', noteId, text: '<p>B wrote this first</p>' });
    await a.waitFor((e) => e.event === 'externalChange' && e.at >= bSaved.at, 5_000, 'B\'s change');
    const aSaved = await a.ask({ op: 'save', noteId, text: '<p>A saved over it, not having seen it</p>' });
    const conflict = aSaved.conflict as { conflictId: number; revisionId: string; loser: string; kind: string };
    assert.equal(aSaved.saved, true);
    assert.ok(conflict, 'the stale save is a conflict');
    assert.equal(conflict.loser, 'remote');
    assert.equal(conflict.kind, 'content');
    await b.waitFor((e) => e.event === 'externalChange' && !!e.conflictsChanged, 5_000, 'the conflict in B');
    const r = await openReplica(dataDir);
    try {
      assert.equal(await r.getNoteContent(noteId), '<p>A saved over it, not having seen it</p>');
      assert.equal(await r.getRevisionContent(conflict.revisionId), '<p>B wrote this first</p>', 'B\'s text is not lost');
      assert.ok((await r.listConflicts()).some((c) => c.conflictId === conflict.conflictId));
    } finally {
      await r.close();
    }
  });

  it('CLI write with a stale --base keeps the text it would have replaced', async () => {
    const before = JSON.parse((await cli(['cat', noteId, '--json'])).stdout) as { blobId: string };
    const file1 = join(dataDir, '..', `mp-one-${process.pid}.html`);
    const file2 = join(dataDir, '..', `mp-two-${process.pid}.html`);
    await writeFile(file1, '<p>written by the first CLI run</p>');
    await writeFile(file2, '<p>written from an old read</p>');
    assert.equal((await cli(['write', noteId, '--content-file', file1])).code, 0);
    const stale = await cli(['write', noteId, '--content-file', file2, '--base', before.blobId, '--json']);
    assert.equal(stale.code, 0, stale.stderr);
    const out = JSON.parse(stale.stdout) as { saved: boolean; conflict: { revisionId: string } };
    assert.equal(out.saved, true);
    const r = await openReplica(dataDir);
    try {
      assert.equal(await r.getRevisionContent(out.conflict.revisionId), '<p>written by the first CLI run</p>');
      assert.equal(await r.getNoteContent(noteId), '<p>written from an old read</p>');
    } finally {
      await r.close();
    }
    const fresh = await cli(['write', noteId, '--content-file', file1, '--json']);
    assert.equal(JSON.parse(fresh.stdout).conflict, null, 'a write without --base reads its base when it starts');
  });
});
