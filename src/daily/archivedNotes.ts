// "Show Archived Notes" / "Hide Archived Notes": flips the trilium.tree.showArchived setting (the tree relists).
import { readSettings, setShowArchived } from '../settings';

export function archivedNotesCommands(): Record<string, (...args: unknown[]) => Promise<unknown>> {
  return {
    /** Resolves to the setting's new value. */
    'trilium.showArchivedNotes': async () => { await setShowArchived(true); return readSettings().trilium.showArchived; },
    'trilium.hideArchivedNotes': async () => { await setShowArchived(false); return readSettings().trilium.showArchived; },
  };
}
