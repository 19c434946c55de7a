// The pieces that keep a huge blob out of JSON strings: the streaming reader of record bodies, the base64 decoder
// and the writer of record bodies with Buffer contents.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { Base64Decoder } from '../../../src/sync/base64Decoder';
import { RecordsBody } from '../../../src/sync/recordsBody';
import { RecordsJsonReader, parseRecordsJson } from '../../../src/sync/recordsJsonReader';
import type { SyncRecord } from '../../../src/storage/types';

function ec(id: number, entityName: string, entityId: string) {
  return {
    id, entityName, entityId, hash: 'h', isErased: 0 as const, changeId: `c${id}`, componentId: 'NA', instanceId: 'srv',
    isSynced: 1 as const, utcDateChanged: '2026-01-01 00:00:00.000Z',
  };
}

function blobRecord(id: number, content: string | Buffer): SyncRecord {
  return { entityChange: ec(id, 'blobs', `blob${id}`), entity: { blobId: `blob${id}`, content, dateModified: 'd', utcDateModified: 'u' } };
}

function noteRecord(id: number, title: string): SyncRecord {
  return { entityChange: ec(id, 'notes', `note${id}`), entity: { noteId: `note${id}`, title, isProtected: 0 } };
}

/** Feeds `text` to a reader in pieces of `piece` bytes. */
function readInPieces(text: Buffer, piece: number, opts: { scanFrom?: number; bigString?: number } = {}) {
  const reader = new RecordsJsonReader('GET /api/sync/changed', opts.scanFrom ?? 1024, opts.bigString ?? 4096);
  for (let i = 0; i < text.length; i += piece) reader.write(text.subarray(i, i + piece));
  reader.end();
  return reader.result<{ entityChanges: SyncRecord[]; lastEntityChangeId: number }>('entityChanges');
}

describe('large blobs in sync JSON', () => {
  const bytes = randomBytes(300_001);
  const page = {
    entityChanges: [noteRecord(1, 'a "quoted" \\ title, 漢字 😀'), blobRecord(2, bytes.toString('base64')), noteRecord(3, 'after'), blobRecord(4, 'c21hbGw=')],
    lastEntityChangeId: 4,
    outstandingPullCount: 0,
  };
  const text = Buffer.from(JSON.stringify(page), 'utf8');

  it('decodes a long "content" string into a Buffer however the body is cut, and parses the rest as JSON.parse does', () => {
    for (const piece of [1, 7, 4093, 65536, text.length]) {
      const body = readInPieces(text, piece);
      assert.ok(Buffer.isBuffer(body.entityChanges[1].entity!.content), `piece ${piece}`);
      assert.ok((body.entityChanges[1].entity!.content as Buffer).equals(bytes), `piece ${piece}`);
      const expected = JSON.parse(text.toString('utf8'));
      expected.entityChanges[1].entity.content = body.entityChanges[1].entity!.content;
      assert.deepEqual(body, expected);
    }
  });

  it('leaves a body below the scan threshold to JSON.parse: blob contents stay base64 text', () => {
    const body = readInPieces(text, 1000, { scanFrom: text.length });
    assert.deepEqual(body, page);
  });

  it('scans a body announced longer than the threshold from its first byte, and reads it the same', () => {
    const reader = new RecordsJsonReader('GET /api/sync/changed', 1024, 4096);
    reader.expect(text.length);
    reader.write(text.subarray(0, 100));
    assert.equal(reader.unscanned(), undefined, 'the first piece was scanned, not held');
    for (let i = 100; i < text.length; i += 4093) reader.write(text.subarray(i, i + 4093));
    reader.end();
    const body = reader.result<{ entityChanges: SyncRecord[] }>('entityChanges');
    assert.ok((body.entityChanges[1].entity!.content as Buffer).equals(bytes));
    assert.deepEqual(body.entityChanges[2], page.entityChanges[2]);

    const small = new RecordsJsonReader('GET /api/sync/changed', text.length, 4096);
    small.expect(text.length); // not longer than the threshold: held as it came
    small.write(text);
    assert.deepEqual(small.unscanned(), [text]);
  });

  it('keeps a long string that is not a "content" value as text', () => {
    const other = { entityChanges: [noteRecord(1, 'x'.repeat(10_000))], lastEntityChangeId: 1 };
    const body = readInPieces(Buffer.from(JSON.stringify(other)), 1000);
    assert.deepEqual(body, other);
  });

  it('accepts \\/ escapes in base64, as another JSON encoder may write them', () => {
    const escaped = Buffer.from(text.toString('utf8').replace(/\//g, '\\/'), 'utf8');
    for (const piece of [1, 999, 100_000]) {
      const body = readInPieces(escaped, piece);
      assert.ok((body.entityChanges[1].entity!.content as Buffer).equals(bytes));
    }
  });

  it('fails clearly on a truncated body, a garbled blob or a broken tail', () => {
    assert.throws(() => readInPieces(text.subarray(0, 200_000), 4096), (e: Error & { code?: string }) => e.code === 'NOT_JSON' && /ended in the middle/.test(e.message));
    assert.throws(() => readInPieces(text.subarray(0, text.length - 5), 4096), (e: Error & { code?: string }) => e.code === 'NOT_JSON');
    const garbled = Buffer.from(text);
    garbled[text.indexOf('"content":"') + 5000] = '*'.charCodeAt(0);
    assert.throws(() => readInPieces(garbled, 4096), (e: Error & { code?: string }) => e.code === 'PROTOCOL' && /base64/.test(e.message));
  });

  it('decodes base64 split anywhere, checks padding and alphabet', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 1000, 1001, 1002]) {
      const data = randomBytes(n);
      const b64 = Buffer.from(data.toString('base64'));
      for (const step of [1, 3, 5, 4096]) {
        const d = new Base64Decoder(1 << 20);
        for (let i = 0; i < b64.length; i += step) d.write(b64.subarray(i, i + step));
        assert.ok(d.end().equals(data), `n ${n} step ${step}`);
      }
    }
    const unpadded = new Base64Decoder(1 << 20);
    unpadded.write(Buffer.from('aGk'));
    assert.equal(unpadded.end().toString(), 'hi');
    const bad = new Base64Decoder(1 << 20);
    assert.throws(() => bad.write(Buffer.from('aGk=aGk=')), /not valid base64/);
    const tooBig = new Base64Decoder(8);
    assert.throws(() => tooBig.write(Buffer.from('A'.repeat(16))), /larger than/);
  });

  it('writes Buffer contents as base64: the pages, joined, are the JSON of the same records with base64 text', () => {
    const records = [noteRecord(1, 'é漢😀'.repeat(400)), blobRecord(2, bytes), noteRecord(3, 'x'), blobRecord(4, randomBytes(10))];
    const body = RecordsBody.of({ entities: records, instanceId: 'me' }, 'entities');
    const asText = JSON.stringify({ entities: records.map((r) => (Buffer.isBuffer(r.entity?.content) ? { ...r, entity: { ...r.entity, content: (r.entity!.content as Buffer).toString('base64') } } : r)), instanceId: 'me' });
    assert.equal(body.length, Buffer.byteLength(asText));
    for (const pageBytes of [4, 1000, 65536, 10_000_000]) {
      const pages = body.pageRanges(pageBytes).map(([s, e]) => body.read(s, e));
      for (const p of pages) {
        assert.ok(p.length <= pageBytes);
        assert.ok(!p.toString('utf8').includes('\uFFFD'));
      }
      assert.equal(Buffer.concat(pages).toString('utf8'), asText, `pages of ${pageBytes}`);
    }
    assert.equal(Buffer.concat([...body.pieces(777)]).toString('utf8'), asText);
    // A body this small is parsed whole: the blob stays base64 text.
    const back = parseRecordsJson<{ entities: SyncRecord[] }>(Buffer.from(asText), 'entities', 'PUT /api/sync/update');
    assert.equal(back.entities[1].entity!.content, bytes.toString('base64'));
  });

  it('is one JSON.stringify when no record holds a Buffer', () => {
    const value = { entityChanges: [noteRecord(1, 'a'), blobRecord(2, 'c21hbGw=')], lastEntityChangeId: 2, outstandingPullCount: 0 };
    const body = RecordsBody.of(value, 'entityChanges');
    assert.equal(body.read(0, body.length).toString('utf8'), JSON.stringify(value));
    assert.deepEqual(body.pageRanges(1 << 20), [[0, body.length]]);
  });
});
