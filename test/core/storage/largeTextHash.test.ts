// Trilium's hash over large binary contents, a slice at a time: the same digest as hashing the whole decoded string.
import { strict as assert } from 'node:assert';
import { blobHash, hash } from '../../../src/storage';
import { hashOfUtf8Bytes } from '../../../src/storage/largeTextHash';
import { seededRandom } from '../../shared/seededRandom';

/** Pieces that test UTF-8 decoding and NFC across slice boundaries. */
const PIECES: Buffer[] = [
  Buffer.from('plain ascii '),
  Buffer.from('Cafe\u0301 '), // composes to é
  Buffer.from('q\u0307\u0323'), // combining marks out of canonical order: NFC reorders them
  Buffer.from('\u1100\u1161\u11a8'), // Hangul jamo L V T: NFC composes one syllable
  Buffer.from('\u1100\u1161'),
  Buffer.from('\u11a8'), // a trailing jamo that composes onto an earlier piece's syllable
  Buffer.from('\u0301\u0301'), // marks with nothing stable near them
  Buffer.from('漢字'),
  Buffer.from('😀'), // four bytes, a surrogate pair
  Buffer.from('\ufeff'), // a BOM in the middle (kept, as Buffer#toString keeps it)
  Buffer.from('\u212b'), // Angstrom sign: NFC maps it to Å
  Buffer.from([0xff, 0xfe]), // never valid
  Buffer.from([0xe2, 0x82]), // a cut-short three-byte sequence
  Buffer.from([0xf0, 0x9f, 0x98]), // a cut-short four-byte sequence
  Buffer.from([0xc3]), // a lead byte that the next piece may or may not complete
  Buffer.from([0xa9]),
  Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate: invalid in UTF-8
];

function mixedBytes(seed: number, size: number): Buffer {
  const random = seededRandom(seed);
  const parts: Buffer[] = [];
  let length = 0;
  while (length < size) {
    const piece = PIECES[Math.floor(random() * PIECES.length)];
    const times = 1 + Math.floor(random() * 40);
    for (let i = 0; i < times; i++) parts.push(piece);
    length += piece.length * times;
  }
  return Buffer.concat(parts);
}

function randomBytes(seed: number, size: number): Buffer {
  const random = seededRandom(seed);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = Math.floor(random() * 256);
  return out;
}

const wholeHash = (prefix: string, bytes: Buffer, suffix = '') => hash(prefix + bytes.toString('utf8') + suffix);

describe('storage: hashing large contents a slice at a time', () => {
  it('equals hash() of the whole decoded text for random bytes, mixed scripts and marks across slice boundaries', () => {
    for (const seed of [1, 2, 3, 4]) {
      const mixed = mixedBytes(seed, 2_600_000);
      assert.equal(hashOfUtf8Bytes('blobId|', mixed, '|text'), wholeHash('blobId|', mixed, '|text'), `mixed, seed ${seed}`);
      const random = randomBytes(seed, 2_200_000);
      assert.equal(hashOfUtf8Bytes('blobId|', random), wholeHash('blobId|', random), `random, seed ${seed}`);
    }
  });

  it('cuts no sequence or composition that falls exactly on a slice boundary', () => {
    const slice = 1 << 20;
    const cases: Array<[string, Buffer]> = [
      ['é decomposed', Buffer.from('e\u0301')],
      ['a three-byte character', Buffer.from('€')],
      ['a surrogate pair', Buffer.from('😀')],
      ['Hangul L V T', Buffer.from('\u1100\u1161\u11a8')],
      ['marks out of order', Buffer.from('q\u0307\u0323')],
    ];
    for (const [name, piece] of cases) {
      for (let offset = 1; offset < piece.length + 1; offset++) {
        const bytes = Buffer.concat([Buffer.alloc(slice - offset, 'a'), piece, Buffer.from(' tail')]);
        assert.equal(hashOfUtf8Bytes('', bytes), wholeHash('', bytes), `${name}, cut ${offset} byte(s) in`);
      }
    }
    const onlyMarks = Buffer.from('\u0301'.repeat(700_000)); // 1.4 MB with no place to cut: held to the end
    assert.equal(hashOfUtf8Bytes('x|', Buffer.concat([Buffer.from('e'), onlyMarks])), wholeHash('x|', Buffer.concat([Buffer.from('e'), onlyMarks])));
  });

  it('is what blobHash uses for large binary contents; small ones and strings hash as before', () => {
    const big = randomBytes(9, 1_500_000);
    assert.equal(blobHash('B1', big), wholeHash('B1|', big));
    assert.equal(blobHash('B1', big, 'words'), wholeHash('B1|', big, '|words'));
    const small = Buffer.from('<p>Cafe\u0301</p>');
    assert.equal(blobHash('B2', small), hash('B2|<p>Caf\u00e9</p>'));
    assert.equal(blobHash('B2', null), hash('B2|null'));
  });
});
