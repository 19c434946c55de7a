// The links Trilium derives from a note's content (its notes service, saveLinks): in text notes, images served from
// another note (`src="…api/images/NOTEID/…"` → imageLink), links into the tree (`href="…#root/…/NOTEID"` →
// internalLink) and included notes (`<section class="include-note" … data-note-id="NOTEID">` → includeNoteLink);
// in relation maps, every note on the map (relationMapLink); in mind maps, nodes linking to a note (internalLink).

export type LinkName = 'internalLink' | 'imageLink' | 'includeNoteLink' | 'relationMapLink';

export const LINK_NAMES: readonly LinkName[] = ['internalLink', 'imageLink', 'includeNoteLink', 'relationMapLink'];

export interface FoundLink {
  name: LinkName;
  noteId: string;
}

/** Note types whose content Trilium scans for links (others keep their link relations as they are). */
export function scansLinks(type: string): boolean {
  return type === 'text' || type === 'relationMap' || type === 'mindMap';
}

export function findLinks(type: string, content: string): FoundLink[] {
  const found: FoundLink[] = [];
  const collect = (name: LinkName, re: RegExp) => {
    for (const m of content.matchAll(re)) found.push({ name, noteId: m[1] });
  };
  if (type === 'text') {
    collect('imageLink', /src="[^"]*api\/images\/([a-zA-Z0-9_]+)\//g);
    collect('internalLink', /href="[^"]*#root[a-zA-Z0-9_/]*\/([a-zA-Z0-9_]+)\/?"/g);
    collect('includeNoteLink', /<section class="include-note[^>]+data-note-id="([a-zA-Z0-9_]+)"[^>]*>/g);
  } else if (type === 'relationMap') {
    const map = parseJson(content) as { notes?: Array<{ noteId?: unknown }> } | null;
    for (const n of map?.notes ?? []) if (typeof n?.noteId === 'string') found.push({ name: 'relationMapLink', noteId: n.noteId });
  } else if (type === 'mindMap') {
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) { v.forEach(visit); return; }
      if (!v || typeof v !== 'object') return;
      const rec = v as Record<string, unknown>;
      const m = typeof rec.hyperLink === 'string' ? /#root[a-zA-Z0-9_/]*\/([a-zA-Z0-9_]+)/.exec(rec.hyperLink) : null;
      if (m) found.push({ name: 'internalLink', noteId: m[1] });
      Object.values(rec).forEach(visit);
    };
    visit(parseJson(content));
  }
  return found;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
