// The Backlinks view: notes whose content links to the active note (or that point at it with a relation), and
// "Go to Linked Note": the notes the active note links to, the one under the cursor first.
import * as vscode from 'vscode';
import { noteIdFromUri } from '../editor/noteFileSystem';
import { ActiveNoteView } from './activeNoteView';
import type { Backlink } from '../storage/query/replicaQueries';
import type { Services } from '../commands/services';

const LINK_LABELS: Record<string, string> = {
  internalLink: 'links here', imageLink: 'shows its image', includeNoteLink: 'includes it', relationMapLink: 'has it on a relation map',
};

export class BacklinksProvider extends ActiveNoteView<Backlink> {
  constructor(services: Services) {
    super(services, true);
  }

  getTreeItem(b: Backlink): vscode.TreeItem {
    const item = new vscode.TreeItem(b.title);
    item.id = `${b.noteId}:${b.relation}`;
    item.description = LINK_LABELS[b.relation] ?? `~${b.relation}`;
    item.iconPath = new vscode.ThemeIcon(b.relation in LINK_LABELS ? 'link' : 'references');
    item.command = { command: 'trilium.openNote', title: 'Open Note', arguments: [b.noteId] };
    item.contextValue = 'backlink';
    return item;
  }

  async getChildren(parent?: Backlink): Promise<Backlink[]> {
    const replica = this.services.session.replica;
    if (parent || !replica || !this.currentNoteId) return [];
    return replica.getBacklinks(this.currentNoteId);
  }
}

/** The link under the cursor (`#root/…/NOTEID` in HTML or Markdown), if any. */
export function linkAt(text: string, offset: number): string | undefined {
  for (const m of text.matchAll(/#root[a-zA-Z0-9_/]*\/([a-zA-Z0-9_]+)/g)) {
    const start = m.index ?? 0;
    // the whole Markdown link or anchor around the target counts: look 200 characters back for its start
    const anchorStart = Math.max(text.lastIndexOf('[', start), text.lastIndexOf('<a', start));
    if (offset >= Math.min(start, anchorStart >= start - 200 && anchorStart >= 0 ? anchorStart : start) && offset <= start + m[0].length) return m[1];
  }
  return undefined;
}

export function goToLinkedNoteCommand(services: Services): Record<string, (...args: unknown[]) => Promise<unknown>> {
  return {
    /** Opens the linked note under the cursor, else offers the note's links (relations included). Returns its id. */
    'trilium.goToLinkedNote': async (arg?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      const noteId = typeof arg === 'string' ? arg : editor ? noteIdFromUri(editor.document.uri) : undefined;
      if (!noteId) {
        void vscode.window.showInformationMessage('The active editor is not a Trilium note.');
        return undefined;
      }
      const replica = services.session.requireReplica();
      if (editor && typeof arg !== 'string') {
        const under = linkAt(editor.document.getText(), editor.document.offsetAt(editor.selection.active));
        if (under && (await replica.getNote(under))) {
          await vscode.commands.executeCommand('trilium.openNote', under, { preview: false });
          return under;
        }
      }
      const targets = new Map<string, string>();
      for (const a of await replica.getAttributes(noteId)) {
        if (a.type === 'relation' && !targets.has(a.value)) targets.set(a.value, LINK_LABELS[a.name] ? 'link' : `~${a.name}`);
      }
      const items: Array<vscode.QuickPickItem & { noteId: string }> = [];
      for (const [target, how] of targets) {
        const note = await replica.getNote(target);
        if (note && !note.isDeleted) items.push({ label: note.title, description: how, noteId: target });
      }
      if (items.length === 0) {
        void vscode.window.showInformationMessage('This note links to no other note.');
        return undefined;
      }
      const pick = items.length === 1 && typeof arg === 'string' ? items[0] : await vscode.window.showQuickPick(items, { title: 'Go to Linked Note' });
      if (!pick) return undefined;
      await vscode.commands.executeCommand('trilium.openNote', pick.noteId, { preview: false });
      return pick.noteId;
    },
  };
}
