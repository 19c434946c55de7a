// Trilium's hash formulas (SYNC-PROTOCOL.md §6).
import { createHash } from 'node:crypto';
import { hashOfUtf8Bytes } from './largeTextHash';
import type { Row, SqlValue } from './types';
import type { TableDef } from './profiles';

/** base64(SHA-1(UTF-8(NFC(text)))), 28 chars. */
export function hash(text: string): string {
  return createHash('sha1').update(text.normalize('NFC'), 'utf8').digest('base64');
}

/** Content address of a blob: base64(SHA-512(bytes)) with + → X, / → Y, first 20 chars; no NFC. */
export function hashedBlobId(content: string | Buffer | null | undefined): string {
  const data = content === null || content === undefined ? '' : content;
  const b64 = createHash('sha512').update(data).digest('base64');
  return b64.replace(/\+/g, 'X').replace(/\//g, 'Y').substring(0, 20);
}

/** JS template-literal conversion of a stored value, with booleans as Trilium holds them in memory. */
function toHashPart(value: SqlValue | undefined, isBoolean: boolean): string {
  if (isBoolean) return value ? 'true' : 'false';
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

/** Entity hash (first 10 chars), for every table except blobs and note_reordering. */
export function entityHash(table: TableDef, row: Record<string, SqlValue | undefined>, isDeleted = false): string {
  let s = '';
  for (const col of table.hashed) s += '|' + toHashPart(row[col], table.booleans.includes(col));
  if (isDeleted) s += '|deleted';
  return hash(s).substring(0, 10);
}

/** Binary contents from this size on are hashed a slice at a time (the same digest, without whole-string copies). */
const LARGE_CONTENT_BYTES = 1 << 20;

/** Blob hash: hash(blobId|content[|textRepresentation]), not truncated. */
export function blobHash(blobId: string, content: string | Buffer | null, textRepresentation?: string | null): string {
  if (Buffer.isBuffer(content) && content.length >= LARGE_CONTENT_BYTES) {
    return hashOfUtf8Bytes(`${blobId}|`, content, textRepresentation ? `|${textRepresentation}` : '');
  }
  const text = content === null ? 'null' : Buffer.isBuffer(content) ? content.toString('utf8') : content;
  let s = `${blobId}|${text}`;
  if (textRepresentation) s += `|${textRepresentation}`;
  return hash(s);
}
