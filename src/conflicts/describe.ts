// How a conflict reads to a person: labels for the Conflicts view, the notification and the diff title.
// Pure: no vscode import.
import type { ConflictRecord } from '../storage/types';

const KIND_LABELS: Record<ConflictRecord['kind'], string> = {
  title: 'title',
  content: 'content',
  'title+content': 'title and content',
  'delete-vs-edit': 'deleted on one side, edited on the other',
  move: 'moved on both sides',
  attribute: 'attribute',
  row: 'changed on both sides',
};

export function kindLabel(kind: ConflictRecord['kind'] | string): string {
  return KIND_LABELS[kind as ConflictRecord['kind']] ?? kind;
}

/** Which side lost, in the words of the person at this instance. */
export function loserLabel(loser: ConflictRecord['loser']): string {
  return loser === 'local' ? 'your version lost' : 'the other version lost';
}

/** True when the conflict's losing side sits in a revision that can be compared and restored. */
export function hasRestorableRevision(c: Pick<ConflictRecord, 'revisionId' | 'kind'>): boolean {
  return c.revisionId !== null && (c.kind === 'title' || c.kind === 'content' || c.kind === 'title+content' || c.kind === 'delete-vs-edit');
}

/** Parses Trilium's `YYYY-MM-DD HH:mm:ss.sssZ` (or ISO) into a Date; null when it is not a date. */
export function parseUtc(utc: string | null | undefined): Date | null {
  if (!utc) return null;
  const d = new Date(utc.includes('T') ? utc : utc.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", or the date for anything older than a week. */
export function relativeTime(utc: string | null | undefined, now: Date): string {
  const d = parseUtc(utc);
  if (!d) return 'unknown time';
  const s = Math.round((now.getTime() - d.getTime()) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 7 * 86400) {
    const days = Math.round(s / 86400);
    return `${days} day${days === 1 ? '' : 's'} ago`;
  }
  return d.toISOString().slice(0, 10);
}

/** The short line next to a conflict in the Conflicts view (the side bar is narrow). */
export function conflictDescription(c: ConflictRecord, now: Date): string {
  const kind = c.kind === 'delete-vs-edit' ? 'delete vs edit' : c.kind === 'move' ? 'moved twice' : kindLabel(c.kind);
  return `${kind} · ${c.loser === 'local' ? 'yours lost' : 'theirs lost'} · ${relativeTime(c.utcDateDetected, now)}`;
}

/** A longer, multi-line explanation for the tooltip. */
export function conflictExplanation(c: ConflictRecord, noteTitle: string | null): string {
  const who = c.loser === 'local'
    ? 'A newer change from another instance replaced your change here.'
    : 'Your change here was newer and replaced a change made on another instance.';
  const kept = c.revisionId
    ? 'The losing version is kept as a note revision, so it can be compared and restored.'
    : c.details
      ? 'Both versions are recorded with the conflict.'
      : '';
  const lines = [
    `${noteTitle ?? c.entityId}: ${kindLabel(c.kind)}.`,
    who,
    kept,
    `Your change: ${c.localUtcDateChanged ?? 'unknown'} · other change: ${c.remoteUtcDateChanged ?? 'unknown'} (UTC).`,
  ];
  return lines.filter(Boolean).join('\n');
}

/** The notification after a sync that produced conflicts. */
export function syncConflictsMessage(conflicts: ConflictRecord[], titleOf: (c: ConflictRecord) => string): string {
  if (conflicts.length === 1) {
    const c = conflicts[0];
    const kept = c.revisionId ? 'the losing version is kept as a revision' : 'both versions are recorded';
    return `Sync conflict on "${titleOf(c)}" (${kindLabel(c.kind)}): ${loserLabel(c.loser)}. Nothing was lost: ${kept}.`;
  }
  return `Sync found ${conflicts.length} conflicts. Nothing was lost: the losing versions are kept as revisions or recorded with each conflict.`;
}

/** The title of the diff editor for a conflict: left is the losing version, right the current note. */
export function conflictDiffTitle(c: ConflictRecord, noteTitle: string): string {
  const left = c.loser === 'local' ? 'your version' : 'other version';
  return `${noteTitle}: ${left} (lost) ↔ current`;
}

/** Pretty JSON of one side of a row-level conflict's details, when the details name both sides. Branches get the
 * title of their parent (from `titles`) so that a move reads as "under Projects", not as an id. */
export function detailsSide(details: string | null, side: 'local' | 'remote', titles: Record<string, string> = {}): string | null {
  if (!details) return null;
  try {
    const parsed = JSON.parse(details) as Record<string, unknown>;
    const value = parsed && typeof parsed === 'object' && side in parsed ? parsed[side] : parsed;
    if (value && typeof value === 'object' && typeof (value as { parentNoteId?: unknown }).parentNoteId === 'string') {
      const parentNoteId = (value as { parentNoteId: string }).parentNoteId;
      if (titles[parentNoteId]) return JSON.stringify({ parentTitle: titles[parentNoteId], ...value }, null, 2) + '\n';
    }
    return JSON.stringify(value, null, 2) + '\n';
  } catch {
    return details;
  }
}

/** The parent note ids that both sides of a row-level conflict's details name. */
export function detailsParentIds(details: string | null): string[] {
  if (!details) return [];
  try {
    const parsed = JSON.parse(details) as Record<string, { parentNoteId?: unknown } | null>;
    return ['local', 'remote'].map((k) => parsed?.[k]?.parentNoteId).filter((v): v is string => typeof v === 'string');
  } catch {
    return [];
  }
}
