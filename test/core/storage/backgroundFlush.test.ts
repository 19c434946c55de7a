// The initial load's background flush of the database file: at most one at a time, and not more often than asked.
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
});
