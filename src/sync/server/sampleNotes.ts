// A small, realistic demo document: folders, formatted text notes, code notes in several languages, clones,
// labels, relations and an image.
import { deflateSync } from 'node:zlib';
import type { ReplicaApi } from '../../storage/replicaApi';

export async function addSampleNotes(replica: ReplicaApi): Promise<{ noteCount: number }> {
  let count = 0;
  const note = async (parentNoteId: string, title: string, content: string | Buffer, type = 'text', mime?: string) => {
    count++;
    return (await replica.createNote({ parentNoteId, title, content, type, mime })).noteId;
  };

  const welcome = await note('root', 'Welcome to Trilium in VS Code', `<h2>Welcome</h2>
<p>This is a <strong>demo document</strong> served by the project's own sync server. Everything here is a
real Trilium note: edit it, and the change syncs back.</p>
<ul><li>Notes live in a <em>local replica</em> (SQLite), so they work offline.</li>
<li>Sync uses Trilium's own protocol, so Trilium desktop can join the same server.</li></ul>
<blockquote><p>Tip: run <code>Trilium: Test Sync</code> from the command palette.</p></blockquote>`);
  await replica.addAttribute(welcome, 'label', 'iconClass', 'bx bx-home');

  const projects = await note('root', 'Projects', '<p>Work in progress.</p>', 'book');
  await replica.addAttribute(projects, 'label', 'iconClass', 'bx bx-folder');
  const garden = await note(projects, 'Garden planner', `<h3>Spring plan</h3>
<figure class="table"><table><thead><tr><th>Bed</th><th>Crop</th><th>Sow</th></tr></thead><tbody><tr><td>A</td><td>Carrots</td><td>March</td></tr><tr><td>B</td><td>Beans</td><td>May</td></tr></tbody></table></figure>
<ol><li>Order seeds</li><li>Prepare beds</li><li>Mulch</li></ol>`);
  await replica.addAttribute(garden, 'label', 'status', 'active');
  const reading = await note(projects, 'Reading list', `<ul class="todo-list">
<li><label class="todo-list__label"><input type="checkbox" checked="checked" disabled="disabled"><span class="todo-list__label__description">The Pragmatic Programmer</span></label></li>
<li><label class="todo-list__label"><input type="checkbox" disabled="disabled"><span class="todo-list__label__description">Designing Data-Intensive Applications</span></label></li>
</ul>`);

  const code = await note('root', 'Code snippets', '<p>Snippets in several languages.</p>');
  await replica.addAttribute(code, 'label', 'iconClass', 'bx bx-code-alt');
  await note(code, 'fibonacci.ts', `export function fibonacci(n: number): number {
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}
`, 'code', 'application/typescript');
  await note(code, 'word_count.py', `import sys
from collections import Counter

counts = Counter(word for line in sys.stdin for word in line.split())
for word, n in counts.most_common(10):
    print(f"{n:6} {word}")
`, 'code', 'text/x-python');
  await note(code, 'backup.sh', `#!/bin/sh
set -eu
tar czf "backup-$(date +%F).tar.gz" "$HOME/notes"
`, 'code', 'text/x-sh');
  await note(code, 'schema.sql', `CREATE TABLE books (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  read_at TEXT
);
`, 'code', 'text/x-sqlite;schema=trilium');
  const jsNote = await note(code, 'Render task (JavaScript)', `api.showMessage('Hello from a Trilium script note');\n`, 'code', 'application/javascript;env=frontend');
  await replica.addAttribute(jsNote, 'label', 'run', 'frontendStartup');

  const journal = await note('root', 'Journal', '');
  await replica.addAttribute(journal, 'label', 'calendarRoot');
  const day = await note(journal, '2026-11-25', `<p>Tried the VS Code client: the tree, the editor and sync <em>just work</em>.</p>`);
  await replica.addAttribute(day, 'relation', 'project', garden);

  // A clone: the reading list also lives under the journal day.
  await replica.cloneNote(reading, day);

  const image = await note(projects, 'Seedling diagram', tinyPng(), 'image', 'image/png');
  await replica.addAttribute(image, 'label', 'originalFileName', 'seedling.png');
  return { noteCount: count };
}

/** A 16×16 green square, built here so the demo ships no binary files. */
export function tinyPng(): Buffer {
  const width = 16;
  const height = 16;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = 40;
      raw[row + 2 + x * 3] = 160 + (x * 5);
      raw[row + 3 + x * 3] = 60;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return crc ^ 0xffffffff;
}
