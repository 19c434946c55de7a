// What the ways of applying a batch share: the entity-change shape they carry and small row helpers.
import { asBuffer, isPlainBytes } from '../transferables';
import type { ConflictRecord, EntityChange, Row, SqlValue } from '../types';

export type Ec = Omit<EntityChange, 'id'> & { id?: number };

export interface BatchOutcome {
  applied: number;
  skipped: number;
  bounced: number;
  conflicts: ConflictRecord[];
}

export const keyOf = (name: string, id: string) => `${name}\u0000${id}`;

export function coerce(ec: EntityChange, senderInstanceId: string): Ec {
  return {
    entityName: ec.entityName,
    entityId: ec.entityId,
    hash: ec.hash ?? '',
    isErased: ec.isErased ? 1 : 0,
    changeId: ec.changeId,
    componentId: ec.componentId || 'NA',
    instanceId: senderInstanceId,
    isSynced: ec.isSynced === undefined || ec.isSynced ? 1 : 0,
    utcDateChanged: ec.utcDateChanged,
  };
}

export function decodeBlob(row: Row): Row {
  if (isPlainBytes(row.content)) return { ...row, content: asBuffer(row.content) };
  if (typeof row.content !== 'string') return row;
  const buf = Buffer.from(row.content, 'base64');
  return { ...row, content: buf.length === 0 ? '' : buf };
}

export function normalizeValue(v: unknown): SqlValue {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === undefined) return null;
  return v as SqlValue;
}

export interface Candidate {
  remote: Ec;
  local: Ec;
  entity: Row | undefined;
  loser: 'local' | 'remote';
}
