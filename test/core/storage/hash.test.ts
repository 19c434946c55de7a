// Hash formulas (SYNC-PROTOCOL.md §6) fixed with vectors worked out by hand: the input string is written out
// literally from the spec's rules and its SHA-1/SHA-512 was computed once with Node's crypto.
import { strict as assert } from 'node:assert';
import { blobHash, entityHash, getProfile, hash, hashedBlobId } from '../../../src/storage';

const p36 = getProfile(36);
const p38 = getProfile(38);
const p39 = getProfile(39);

describe('storage hashes', () => {
  it('hash() is base64 SHA-1 of NFC text, 28 chars', () => {
    // '|abcDEF123456|My title|false|text|text/html|Xy12Xy12Xy12Xy12Xy12'
    assert.equal(hash('|abcDEF123456|My title|false|text|text/html|Xy12Xy12Xy12Xy12Xy12'), 'aR9DYmXJF1QFwEcNmsv3Pw5xJ1E=');
    // decomposed e + U+0301 normalises to é before hashing
    assert.equal(hash('|abcDEF123456|Cafe\u0301|true|code|text/plain|null'), 'UXOlGLdIw9P8/e4VCoSODjOfGt8=');
  });

  it('hashedBlobId: SHA-512 base64, + → X, / → Y, first 20 chars, no NFC; null as empty', () => {
    assert.equal(hashedBlobId(''), 'z4PhNX7vuL3xVChQ1m2A');
    assert.equal(hashedBlobId(null), 'z4PhNX7vuL3xVChQ1m2A');
    assert.equal(hashedBlobId('<p>Hello</p>'), '9OR3REIaNukfUaHu9wbq');
    assert.equal(hashedBlobId(Buffer.from('<p>Hello</p>')), '9OR3REIaNukfUaHu9wbq');
    assert.equal(hashedBlobId(Buffer.from([0, 255, 1, 2])), 'bUNDuBiGsBmpetsc8rYW');
    // raw base64 prefix 'ciIKA/vx7P0/KoZT81uq' has two slashes
    assert.equal(hashedBlobId('x2'), 'ciIKAYvx7P0YKoZT81uq');
    assert.notEqual(hashedBlobId('Cafe\u0301'), hashedBlobId('Caf\u00e9'));
  });

  it('notes: noteId|title|isProtected as true/false|type|mime|blobId, 10 chars, |deleted', () => {
    const row = { noteId: 'abcDEF123456', title: 'My title', isProtected: 0, type: 'text', mime: 'text/html', blobId: 'Xy12Xy12Xy12Xy12Xy12' };
    assert.equal(entityHash(p36.tables.notes, row), 'aR9DYmXJF1');
    assert.equal(entityHash(p36.tables.notes, row, true), 'XK9Zm9C8wf');
    const protectedCode = { noteId: 'abcDEF123456', title: 'Cafe\u0301', isProtected: 1, type: 'code', mime: 'text/plain', blobId: null };
    assert.equal(entityHash(p39.tables.notes, protectedCode), 'UXOlGLdIw9');
  });

  it('branches: branchId|noteId|parentNoteId|prefix (null as "null"), position and expansion not hashed', () => {
    const row = { branchId: 'root_abcDEF123456', noteId: 'abcDEF123456', parentNoteId: 'root', prefix: null, notePosition: 10, isExpanded: 1 };
    assert.equal(entityHash(p36.tables.branches, row), '6V8BofAuOp');
    assert.equal(entityHash(p36.tables.branches, { ...row, notePosition: 999, isExpanded: 0 }), '6V8BofAuOp');
    assert.equal(entityHash(p36.tables.branches, { ...row, prefix: 'My prefix' }, true), '5RiaeNYe4f');
  });

  it('attributes: isInheritable as true/false, empty value', () => {
    const label = { attributeId: 'attrID123456', noteId: 'abcDEF123456', type: 'label', name: 'iconClass', value: 'bx bx-star', isInheritable: 1 };
    assert.equal(entityHash(p36.tables.attributes, label), 'EVMftiJbrt');
    const rel = { attributeId: 'attrID123457', noteId: 'abcDEF123456', type: 'relation', name: 'template', value: '', isInheritable: 0 };
    assert.equal(entityHash(p36.tables.attributes, rel), 'EYlygccnPu');
  });

  it('revisions: profile 38 without, profile 39 with description and source after title', () => {
    const row = {
      revisionId: 'revID1234567', noteId: 'abcDEF123456', title: 'Old title', description: 'Kept', source: 'manual', isProtected: 0,
      dateLastEdited: '2026-11-24 11:00:00.000+0100', dateCreated: '2026-11-24 12:00:00.000+0100',
      utcDateLastEdited: '2026-11-24 10:00:00.000Z', utcDateCreated: '2026-11-24 11:00:00.000Z', utcDateModified: '2026-11-24 11:00:00.000Z',
      blobId: 'blobBlobBlobBlobBlob',
    };
    assert.equal(entityHash(p38.tables.revisions, row), 'QIhb2tI3wj');
    assert.equal(entityHash(getProfile(32).tables.revisions, row), 'QIhb2tI3wj');
    assert.equal(entityHash(p39.tables.revisions, row), '2Hydjvg8GS');
    assert.equal(entityHash(getProfile(41).tables.revisions, row), '2Hydjvg8GS');
  });

  it('attachments, options, etapi_tokens', () => {
    const att = {
      attachmentId: 'attID1234567', ownerId: 'abcDEF123456', role: 'image', mime: 'image/png', title: 'pic.png',
      blobId: 'blobBlobBlobBlobBlob', utcDateScheduledForErasureSince: null,
    };
    assert.equal(entityHash(p36.tables.attachments, att), 'keTeJezSfO');
    assert.equal(entityHash(p36.tables.options, { name: 'revisionSnapshotTimeInterval', value: '600', isSynced: 1 }), 'zv+4NsMs97');
    const tok = {
      etapiTokenId: 'tokID1234567', name: 'my token', tokenHash: 'hashhash', utcDateCreated: '2026-11-24 10:00:00.000Z',
      utcDateModified: '2026-11-24 10:00:00.000Z', isDeleted: 0,
    };
    assert.equal(entityHash(p36.tables.etapi_tokens, tok), '93en381evE');
    assert.equal(entityHash(p36.tables.etapi_tokens, { ...tok, isDeleted: 1 }, true), 'vu8+4qKxIX');
  });

  it('blob hash: blobId|content, untruncated; sync ≥ 38 appends |textRepresentation when non-empty', () => {
    assert.equal(blobHash('blobBlobBlobBlobBlob', '<p>Hello</p>'), 'HLzA29z25WFZFSEHJdqyFqcyuIs=');
    assert.equal(blobHash('blobBlobBlobBlobBlob', Buffer.from('<p>Hello</p>')), 'HLzA29z25WFZFSEHJdqyFqcyuIs=');
    assert.equal(blobHash('blobBlobBlobBlobBlob', '<p>Hello</p>', null), 'HLzA29z25WFZFSEHJdqyFqcyuIs=');
    assert.equal(blobHash('blobBlobBlobBlobBlob', '<p>Hello</p>', ''), 'HLzA29z25WFZFSEHJdqyFqcyuIs=');
    assert.equal(blobHash('blobBlobBlobBlobBlob', '<p>Hello</p>', 'OCR text'), '3XqGc7b/qBUC9Ac2Xc9fNEmWoB4=');
  });

  it('profiles hash the same columns where they agree', () => {
    for (const v of [32, 33, 34, 35, 36, 37, 38, 39, 40, 41]) {
      assert.deepEqual(getProfile(v).tables.notes.hashed, ['noteId', 'title', 'isProtected', 'type', 'mime', 'blobId']);
    }
  });
});
