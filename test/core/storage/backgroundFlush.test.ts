// The initial load's background flush of the database file and its log: at most one at a time, not more often than
// asked, and the one that ends the load (flushNow) fails when the flush fails.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BackgroundFlush } from '../../../src/storage/backgroundFlush';
import { cleanupDirs, tempDir } from './helpers';

describe('storage: background flush during an initial load', () => {
  after(cleanupDirs);

  it('starts a flush at most once per interval and never two at once; settle waits for it', async () => {
    const file = path.join(tempDir(), 'document.db');
    writeFileSync(file, Buffer.alloc(1 << 20, 7));
    let now = 10_000;
    const flush = new BackgroundFlush([file, `${file}-wal`], 2000, () => now);
    flush.maybeFlush();
    flush.maybeFlush(); // one runs
    assert.equal(flush.started, 1);
    await flush.settle();
    now += 1999;
    flush.maybeFlush(); // too soon
    assert.equal(flush.started, 1);
    now += 1;
    flush.maybeFlush();
    assert.equal(flush.started, 2);
    await flush.settle();
  });

  it('a file that cannot be opened is no error (the checkpoint that ends the load syncs anyway)', async () => {
    const flush = new BackgroundFlush([path.join(tempDir(), 'missing', 'document.db')], 0);
    flush.maybeFlush();
    assert.equal(flush.started, 1);
    await flush.settle();
  });

  it('flushNow, at the load\'s end, runs after the flush under way and fails as the flush does (a missing file excepted)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'document.db');
    writeFileSync(file, Buffer.alloc(1 << 16, 1));
    const flush = new BackgroundFlush([file, `${file}-wal`], 60_000);
    flush.maybeFlush();
    await flush.flushNow(); // the WAL file is not there: nothing to flush
    assert.equal(flush.started, 2);
    const broken = new BackgroundFlush([path.join(file, 'not-a-directory')], 60_000);
    await assert.rejects(broken.flushNow(), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
    broken.maybeFlush(); // in the background the same error is only an optimisation lost
    await broken.settle();
  });
});
