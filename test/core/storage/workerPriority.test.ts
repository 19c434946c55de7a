// The replica's worker thread runs at a lower OS priority than its host (Linux), never lowers the host's own thread,
// and where the OS cannot do it the replica works as before.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import * as path from 'node:path';
import { createReplicaOn } from '../../../src/storage';
import { loweredNice, lowerThisThreadPriority, niceStepsFrom, osThreadId, WORKER_NICE_STEPS } from '../../../src/storage/worker/threadPriority';
import { cleanupDirs, tempDir } from './helpers';

const linux = process.platform === 'linux';
const ROOT = path.resolve(__dirname, '../../..');

/** The nice value of each thread of this process, by thread id (Linux). */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

describe('storage: the priority of the replica\'s worker thread', function () {
  this.timeout(60_000);
  after(cleanupDirs);
  const savedEnv = process.env.TRILIUM_WORKER_NICE;
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.TRILIUM_WORKER_NICE;
    else process.env.TRILIUM_WORKER_NICE = savedEnv;
  });

  it('lowers by whole steps within the range the OS has, and takes the steps from TRILIUM_WORKER_NICE', () => {
    assert.equal(loweredNice(0, 5), 5);
    assert.equal(loweredNice(10, 5), 15);
    assert.equal(loweredNice(17, 5), 19);
    assert.equal(loweredNice(19, 5), 19);
    assert.equal(loweredNice(-3, 5), 2);
    assert.equal(loweredNice(4, 0), 4);
    assert.equal(niceStepsFrom({}), WORKER_NICE_STEPS);
    assert.equal(niceStepsFrom({ TRILIUM_WORKER_NICE: '0' }), 0);
    assert.equal(niceStepsFrom({ TRILIUM_WORKER_NICE: '12' }), 12);
    assert.equal(niceStepsFrom({ TRILIUM_WORKER_NICE: 'low' }), WORKER_NICE_STEPS);
    assert.equal(niceStepsFrom({ TRILIUM_WORKER_NICE: '-4' }), WORKER_NICE_STEPS, 'never above the host');
  });

  it('does not lower the main thread, and says why', () => {
    const before = getPriority();
    const outcome = lowerThisThreadPriority(5);
    assert.equal(outcome.lowered, false);
    assert.equal(getPriority(), before);
    if (linux) {
      assert.equal(osThreadId(), process.pid);
      assert.deepEqual(outcome, { lowered: false, reason: 'this is the main thread' });
    }
  });

  it('runs the worker below the host, and the host where asked for 0 steps', async () => {
    const hostBefore = getPriority();
    const before = linux ? threadNices() : new Map<number, number>();
    const lowered = await createReplicaOn('worker', tempDir(), { syncVersion: 39, kind: 'newDocument' });
    process.env.TRILIUM_WORKER_NICE = '0';
    const level = await createReplicaOn('worker', tempDir(), { syncVersion: 39, kind: 'newDocument' });
    try {
      // the replicas work either way (where the OS cannot lower a thread, too)
      assert.equal((await lowered.counts()).notes, (await level.counts()).notes);
      assert.equal(getPriority(), hostBefore, 'the host\'s thread keeps its priority');
      if (!linux) return;
      const newThreads = [...threadNices()].filter(([tid]) => !before.has(tid));
      const expected = loweredNice(hostBefore, WORKER_NICE_STEPS);
      assert.equal(newThreads.filter(([, nice]) => nice === expected).length, 1,
        `one new thread at nice ${expected} (new threads: ${JSON.stringify(newThreads)})`);
      assert.ok(newThreads.every(([, nice]) => nice === expected || nice === hostBefore), JSON.stringify(newThreads));
      assert.equal(threadNices().get(process.pid), hostBefore);
    } finally {
      await lowered.close();
      await level.close();
    }
  });

  it('leaves the process\'s thread pool at the host\'s priority when the worker is the first to need it', function () {
    if (!linux) this.skip();
    // a fresh process whose first asynchronous file operation would be the worker's: threads inherit the priority of
    // the thread that starts them, so a pool started by the lowered worker would lower the host's file I/O too
    const script = `
      const { createReplicaOn } = require(${JSON.stringify(path.join(ROOT, 'src/storage'))});
      const fs = require('node:fs');
      createReplicaOn('worker', ${JSON.stringify(tempDir())}, { syncVersion: 39, kind: 'newDocument' }).then(async (r) => {
        await r.counts();
        const threads = fs.readdirSync('/proc/self/task').map((tid) => {
          const stat = fs.readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
          return { tid: Number(tid), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), nice: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) };
        });
        console.log(JSON.stringify({ pid: process.pid, threads }));
        await r.close();
      });`;
    const out = execFileSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    const { pid, threads } = JSON.parse(out.trim().split('\n').pop()!) as { pid: number; threads: { tid: number; name: string; nice: number }[] };
    const host = threads.find((t) => t.tid === pid)!.nice;
    const lowered = threads.filter((t) => t.nice !== host);
    assert.equal(lowered.length, 1, `only the worker below the host (nice ${host}): ${JSON.stringify(threads)}`);
    assert.equal(lowered[0].nice, loweredNice(host, WORKER_NICE_STEPS));
    assert.ok(threads.length > 2, JSON.stringify(threads));
  });
});
