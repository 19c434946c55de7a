// A read issued after a write committed sees that write, however many other reads run on the reader connection at
// the same time (the asynchronous driver once let a read share the snapshot of a read still in flight).
import { strict as assert } from 'node:assert';
import type { Replica } from '../../../src/storage';
import { cleanupDirs, newDoc } from './helpers';

describe('storage: read after write', function () {
  this.timeout(120_000);
  let r: Replica;
  beforeEach(async () => { r = await newDoc(39); });
  afterEach(async () => { await r.close(); });
  after(cleanupDirs);

  it('sees every committed rename while other reads keep the reader connection busy', async () => {
    const notes: Array<{ noteId: string }> = [];
    for (let i = 0; i < 50; i++) notes.push(await r.createNote({ parentNoteId: 'root', title: `other ${i}` }));
    const { noteId } = await r.createNote({ parentNoteId: 'root', title: 'v0' });
    let stop = false;
    const traffic = async () => {
      for (let i = 0; !stop; i++) await Promise.all(notes.slice(0, 8).map((n, k) => r.getNote(notes[(i + k) % notes.length].noteId)));
    };
    const readers = [traffic(), traffic(), traffic()];
    const stale: string[] = [];
    try {
      for (let k = 1; k <= 200; k++) {
        await r.renameNote(noteId, `v${k}`);
        const seen = (await r.getNote(noteId))?.title;
        if (seen !== `v${k}`) stale.push(`after v${k}: ${seen}`);
      }
    } finally {
      stop = true;
      await Promise.all(readers);
    }
    assert.deepEqual(stale, [], `${stale.length} of 200 reads missed the write just committed`);
  });
});
