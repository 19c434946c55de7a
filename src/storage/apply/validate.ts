// A batch is checked against the replica's schema profile before anything of it is written.
import { TriliumError } from '../errors';
import { getProfile, supportedSyncVersions, type SchemaProfile } from '../profiles';
import type { SyncRecord } from '../types';

/** Throws SCHEMA_MISMATCH before anything is written when a record does not fit the profile. */
export function validateRecords(profile: SchemaProfile, records: SyncRecord[], senderSyncVersion?: number): void {
  const checked = new Set<string>();
  // The last key list checked per table: consecutive records of a table nearly always share it, so most
  // records are checked by comparing keys, without building a signature string.
  const lastKeys = new Map<string, string[]>();
  for (const r of records) {
    const ec = r.entityChange;
    if (!ec || typeof ec.entityName !== 'string' || typeof ec.entityId !== 'string') {
      throw new TriliumError('PROTOCOL', 'A sync record has no valid entityChange.', 'This is a bug in the sender; report it.');
    }
    if (!Object.hasOwn(profile.tables, ec.entityName) && ec.entityName !== 'note_reordering') throw schemaMismatch(profile, ec.entityName, null, senderSyncVersion);
    if (r.entity && ec.entityName !== 'note_reordering') {
      const prev = lastKeys.get(ec.entityName);
      if (prev && hasKeys(r.entity, prev)) continue;
      const keys = Object.keys(r.entity);
      lastKeys.set(ec.entityName, keys);
      const sig = ec.entityName + ':' + keys.join(',');
      if (checked.has(sig)) continue;
      const cols = profile.columnSet(ec.entityName);
      for (const k of keys) if (!cols.has(k)) throw schemaMismatch(profile, ec.entityName, k, senderSyncVersion);
      checked.add(sig);
    }
  }
}

/** True when the object's own keys are `keys`, in that order; allocates nothing (unlike Object.keys). */
export function hasKeys(row: object, keys: string[]): boolean {
  let i = 0;
  for (const k in row) if (k !== keys[i++]) return false;
  return i === keys.length;
}

export function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function schemaMismatch(profile: SchemaProfile, table: string, column: string | null, sender?: number): TriliumError {
  const knownIn = supportedSyncVersions().filter((v) => {
    const p = getProfile(v);
    return column === null ? p.syncedEntityNames.includes(table) : !!p.tables[table]?.columns.some((c) => c.name === column);
  });
  const what = column === null ? `table "${table}"` : `column "${table}.${column}"`;
  const senderText = sender !== undefined ? `sync version ${sender}` : 'an unknown sync version';
  const where = knownIn.length ? ` (versions that have it: ${knownIn.join(', ')})` : ' (no supported version has it)';
  return new TriliumError(
    'SCHEMA_MISMATCH',
    `Received ${what}, which sync version ${profile.syncVersion} (this replica) does not have; the sender uses ${senderText}${where}. Nothing of this batch was written.`,
    'Both sides must speak the same sync version: update the extension or the Trilium server so that they match.',
  );
}
