// "Search Notes…" with Trilium's search language: full-text words, #labels, ~relations, note.* properties, orderBy.
import * as vscode from 'vscode';
import type { Services } from '../commands/services';
import type { SearchHit } from '../storage/query/search';

export function searchCommands(services: Services): Record<string, (...args: unknown[]) => Promise<unknown>> {
  return {
    /** With a query argument (tests) the hits are returned without a picker. */
    'trilium.searchNotes': async (query?: unknown) => {
      const q = typeof query === 'string' ? query : await vscode.window.showInputBox({
        title: 'Search Trilium notes',
        prompt: 'Words, #label, #label=value, ~relation.title=x, note.title *=* x, … orderBy note.dateModified desc limit 20',
      });
      if (!q) return undefined;
      const hits: SearchHit[] = await services.session.requireReplica().search(q, { limit: 500 });
      if (typeof query === 'string') return hits;
      if (hits.length === 0) {
        void vscode.window.showInformationMessage(`No notes match "${q}".`);
        return hits;
      }
      const pick = await vscode.window.showQuickPick(
        hits.map((h) => ({ label: h.title, description: h.notePathTitle.includes(' / ') ? h.notePathTitle.slice(0, h.notePathTitle.lastIndexOf(' / ')) : undefined, noteId: h.noteId })),
        { title: `${hits.length} note${hits.length === 1 ? '' : 's'} match "${q}"`, matchOnDescription: true },
      );
      if (pick) await vscode.commands.executeCommand('trilium.openNote', pick.noteId, { preview: false });
      return hits;
    },
  };
}
