// What the replica answers from its note index: Trilium searches, saved searches and backlinks.
import type { Connection } from '../db';
import type { ReplicaChange, TreeChild } from '../types';
import { childSortOf, sortChildren } from './childOrder';
import { NoteIndexHolder } from './indexHolder';
import type { ProtectedReader } from './noteIndex';
import { runSavedSearch } from './savedSearch';
import { runSearch, type SearchHit, type SearchOptions } from './search';

export interface Backlink {
  /** The note whose content or relation points here. */
  noteId: string;
  title: string;
  /** Relation name: internalLink, imageLink, includeNoteLink, relationMapLink, or a user relation. */
  relation: string;
}

/** An attribute as it applies to a note: its own, or inherited (from an ancestor or a template). */
export interface EffectiveAttribute {
  attributeId: string;
  type: 'label' | 'relation';
  name: string;
  value: string;
  isInheritable: boolean;
  position: number;
  /** The note that owns it (the note itself when it is its own). */
  ownerNoteId: string;
  ownerTitle: string;
  inherited: boolean;
  /** For relations: the target's title. */
  targetTitle?: string;
}

/** A promoted attribute definition (`#label:name="promoted,…"` / `#relation:name="promoted,…"`) and its value here. */
export interface PromotedField {
  type: 'label' | 'relation';
  name: string;
  /** Trilium's definition words: single/multi, text/number/boolean/date/url…, promoted, precision=… */
  definition: string[];
  /** The note's values of it (own or inherited), as attributes. */
  values: EffectiveAttribute[];
}

export class ReplicaQueries {
  private readonly holder: NoteIndexHolder;

  constructor(connection: () => Connection) {
    this.holder = new NoteIndexHolder(connection);
    this.connection = connection;
  }

  private readonly connection: () => Connection;

  noteChanged(change: ReplicaChange): void {
    this.holder.noteChanged(change);
  }

  invalidate(): void {
    this.holder.invalidate();
  }

  private protectedReader: ProtectedReader | null = null;

  /** While a protected session is open, searches see protected notes' titles and contents (decrypted in memory). */
  setProtectedReader(reader: ProtectedReader | null): void {
    this.protectedReader = reader;
  }

  private async searchIndex() {
    const index = await this.holder.get();
    index.setProtectedReader(this.protectedReader);
    return index;
  }

  async search(query: string, opts: SearchOptions = {}): Promise<SearchHit[]> {
    return runSearch(await this.searchIndex(), this.connection(), query, opts);
  }

  async savedSearch(noteId: string, now?: Date): Promise<SearchHit[]> {
    return runSavedSearch(await this.searchIndex(), this.connection(), noteId, now);
  }

  /** The note's attributes as Trilium applies them: own first, then inherited, each with its owner. */
  async effectiveAttributes(noteId: string): Promise<EffectiveAttribute[]> {
    const index = await this.holder.get();
    const note = index.notes.get(noteId);
    if (!note) return [];
    return index.effectiveAttributes(note).map((a) => {
      const owner = index.notes.get(a.noteId);
      const target = a.type === 'relation' ? index.notes.get(a.value) : undefined;
      return {
        attributeId: a.attributeId, type: a.type, name: a.name, value: a.value, isInheritable: a.isInheritable, position: a.position,
        ownerNoteId: a.noteId, ownerTitle: owner ? (owner.isProtected ? '[protected]' : owner.title) : a.noteId, inherited: a.noteId !== noteId,
        ...(a.type === 'relation' ? { targetTitle: target ? (target.isProtected ? '[protected]' : target.title) : undefined } : {}),
      };
    });
  }

  /** Promoted attribute definitions that apply to the note, with its values of each (Trilium's promoted fields). */
  async promotedFields(noteId: string): Promise<PromotedField[]> {
    const attrs = await this.effectiveAttributes(noteId);
    const out: PromotedField[] = [];
    const seen = new Set<string>();
    for (const def of attrs) {
      const m = def.type === 'label' ? /^(label|relation):(.+)$/.exec(def.name) : null;
      if (!m) continue;
      const definition = def.value.split(',').map((w) => w.trim()).filter(Boolean);
      if (!definition.includes('promoted')) continue;
      const type = m[1] as 'label' | 'relation';
      const key = `${type}:${m[2]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ type, name: m[2], definition, values: attrs.filter((a) => a.type === type && a.name === m[2]) });
    }
    return out;
  }

  /**
   * What the note tree shows of these children of `parentNoteId`: archived notes (own or inherited #archived) left
   * out unless `includeArchived` (kept ones carry isArchived), the effective #iconClass, and Trilium's order when the
   * parent is #sorted.
   */
  /** Whether tree effects (and other answers) come from the note index without a full load first. */
  get indexWarm(): boolean {
    return this.holder.warm;
  }

  /** Loads the note index, or patches in what changed, ahead of need (a first load takes seconds on a large document). */
  async warmIndex(): Promise<void> {
    await this.holder.get();
  }

  /**
   * The children as the tree shows them: #archived ones left out (unless asked), each one's #iconClass, and the
   * parent's #sorted order, with attributes as Trilium computes them (inherited, from templates). `ownLabelsOnly`
   * counts only the notes' own labels instead, from one query, for when the note index would take long to load.
   */
  async treeChildren(parentNoteId: string, children: TreeChild[], opts: { includeArchived: boolean; ownLabelsOnly?: boolean }): Promise<TreeChild[]> {
    if (opts.ownLabelsOnly) return applyTreeEffects(parentNoteId, children, opts, await ownTreeLabels(this.connection(), parentNoteId, children));
    const index = await this.holder.get();
    const effective = (noteId: string): TreeLabels => {
      const note = index.notes.get(noteId);
      return {
        labels: note ? index.effectiveAttributes(note).filter((a) => a.type === 'label') : [],
        isArchived: !!note && index.isArchived(note),
        dates: { dateCreated: note?.dateCreated ?? null, dateModified: note?.dateModified ?? null },
      };
    };
    return applyTreeEffects(parentNoteId, children, opts, effective);
  }

  /** Relations of other notes pointing at the note (links first), one per source note and relation. */
  async backlinks(noteId: string): Promise<Backlink[]> {
    const index = await this.holder.get();
    const note = index.notes.get(noteId);
    if (!note) return [];
    const seen = new Set<string>();
    const out: Backlink[] = [];
    for (const r of note.targetRelations) {
      const source = index.notes.get(r.noteId);
      if (!source || source.noteId === noteId || seen.has(`${r.noteId}:${r.name}`)) continue;
      seen.add(`${r.noteId}:${r.name}`);
      out.push({ noteId: source.noteId, title: source.isProtected ? '[protected]' : source.title, relation: r.name });
    }
    return out.sort((a, b) => a.title.localeCompare(b.title) || a.relation.localeCompare(b.relation));
  }
}

interface TreeLabels {
  labels: Array<{ name: string; value: string }>;
  isArchived: boolean;
  dates: { dateCreated: string | null; dateModified: string | null };
}

function applyTreeEffects(
  parentNoteId: string, children: TreeChild[], opts: { includeArchived: boolean }, of: (noteId: string) => TreeLabels,
): TreeChild[] {
  const out: TreeChild[] = [];
  for (const child of children) {
    const { labels, isArchived } = of(child.noteId);
    if (isArchived && !opts.includeArchived) continue;
    const iconClass = labels.find((a) => a.name === 'iconClass')?.value ?? child.iconClass;
    out.push({ ...child, iconClass, ...(isArchived ? { isArchived } : {}) });
  }
  const sort = childSortOf(of(parentNoteId).labels);
  if (!sort) return out;
  return sortChildren(out, sort, (c) => {
    const { labels, dates } = of(c.noteId);
    return {
      title: c.title, prefix: c.prefix, hasChildren: c.hasChildren,
      value: (key) => (key === 'dateCreated' || key === 'dateModified' ? dates[key] : labels.find((a) => a.name === key)?.value ?? null),
    };
  });
}

/** The tree's labels from the notes' own attributes only (one query), for when the note index is not loaded yet. */
async function ownTreeLabels(c: Connection, parentNoteId: string, children: TreeChild[]): Promise<(noteId: string) => TreeLabels> {
  const ids = [parentNoteId, ...children.map((ch) => ch.noteId)];
  const rows = await c.all<{ noteId: string; name: string | null; value: string | null; dateCreated: string; dateModified: string }>(
    `SELECT n.noteId, a.name, a.value, n.dateCreated, n.dateModified FROM notes n
     LEFT JOIN attributes a ON a.noteId = n.noteId AND a.isDeleted = 0 AND a.type = 'label'
     WHERE n.noteId IN (SELECT value FROM json_each(?)) ORDER BY a.position`, [JSON.stringify(ids)]);
  const byNote = new Map<string, TreeLabels>();
  for (const r of rows) {
    let t = byNote.get(r.noteId);
    if (!t) byNote.set(r.noteId, (t = { labels: [], isArchived: false, dates: { dateCreated: r.dateCreated, dateModified: r.dateModified } }));
    if (r.name === null) continue;
    t.labels.push({ name: r.name, value: r.value ?? '' });
    if (r.name === 'archived') t.isArchived = true;
  }
  const none: TreeLabels = { labels: [], isArchived: false, dates: { dateCreated: null, dateModified: null } };
  return (noteId) => byNote.get(noteId) ?? none;
}
