// Protected notes: what unlocking costs (scrypt twice), and what decrypting costs where the UI reads titles
// (a tree level of N protected children, Open Note… over all notes, an in-memory title search) and contents.
// Prints figures; asserts nothing. `node bench/protected.mjs [N]` (default 2000).
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
require('tsx/cjs');
const { createReplica } = require('../src/storage/index.ts');

const N = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(path.join(tmpdir(), 'trilium-bench-protected-'));
const ms = (t0) => (performance.now() - t0).toFixed(1);
const r = await createReplica(dir, { syncVersion: 39, kind: 'newDocument' });
try {
  let t0 = performance.now();
  await r.setDocumentPassword('bench password');
  console.log(`set document password (scrypt x2): ${ms(t0)} ms`);
  t0 = performance.now();
  await r.unlock('bench password');
  console.log(`unlock (scrypt x2 + data key): ${ms(t0)} ms`);
  const { noteId: parent } = await r.createNote({ parentNoteId: 'root', title: 'vault', isProtected: true });
  t0 = performance.now();
  for (let i = 0; i < N; i++) await r.createNote({ parentNoteId: parent, title: `secret ${i}`, content: `<p>body ${i} ${'x'.repeat(500)}</p>` });
  console.log(`create ${N} protected notes: ${ms(t0)} ms (${((performance.now() - t0) / N).toFixed(2)} ms each)`);
  t0 = performance.now();
  const kids = await r.getChildren(parent);
  console.log(`getChildren of ${kids.length} protected children (decrypting titles): ${ms(t0)} ms`);
  t0 = performance.now();
  await r.listAllNotes();
  console.log(`listAllNotes (Open Note… index): ${ms(t0)} ms`);
  t0 = performance.now();
  const hits = await r.searchTitles('secret 19', 50);
  console.log(`searchTitles over protected titles in memory: ${ms(t0)} ms (${hits.length} hits)`);
  t0 = performance.now();
  const c = await r.searchContent('body 1999', 50);
  console.log(`searchContent over protected contents in memory: ${ms(t0)} ms (${c.length} hits)`);
  await r.lock();
  t0 = performance.now();
  await r.getChildren(parent);
  console.log(`getChildren locked (no decryption): ${ms(t0)} ms`);
} finally {
  await r.close();
  rmSync(dir, { recursive: true, force: true });
}
