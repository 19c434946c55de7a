// The titles an included note's embed shows: the note HTML holds only the included note's id.
import type { NoteRow } from '../storage/types';
import { includedNoteIds } from './noteLinks';
import type { IncludeTitles } from './toMarkdown';

/** The titles of the notes the HTML includes; protected notes' titles stay out of the Markdown (editors keep backups). */
export async function includeTitles(html: string, getNote: (noteId: string) => Promise<NoteRow | null>): Promise<IncludeTitles> {
  const titles = new Map<string, string>();
  for (const id of includedNoteIds(html)) {
    const note = await getNote(id);
    if (note && !note.isDeleted && !note.isProtected) titles.set(id, note.title);
  }
  return titles;
}
