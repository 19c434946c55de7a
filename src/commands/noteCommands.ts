// Note commands: open, quick open, create, rename, delete, clone, move, reorder, link, attributes, search, reveal.
import * as vscode from 'vscode';
import { ensureUnlockedFor } from '../protected/protectedNotes';
import { codeLanguageChoices } from '../editor/mimeTable';
import type { ReplicaApi } from '../storage/replicaApi';
import { codiconForNote } from '../treeView/icons';
import { displayTitle, ROOT_NOTE_ID, TreeNode } from '../treeView/treeNode';
import { filterNotes, NoteIndex, NoteIndexCache, PickableNote } from './notePicker';
import { activeEditorNoteId, targetNode, targetNoteId } from './noteTarget';
import type { Services } from './services';
import { showTriliumError } from './showError';

export function registerNoteCommands(services: Services): vscode.Disposable[] {
  const { session, tree, treeView, fs } = services;
  const replica = (): ReplicaApi => session.requireReplica();

  let cache: NoteIndexCache | undefined;
  const noteIndex = (): Promise<NoteIndex> => (cache ??= new NoteIndexCache(replica())).get();
  let unsubscribe: (() => void) | undefined;
  let warmUp: NodeJS.Timeout | undefined;
  const replicaSub = session.onDidChangeReplica((r) => {
    cache = r ? new NoteIndexCache(r) : undefined;
    unsubscribe?.();
    unsubscribe = r?.onDidChange((change) => cache?.noteChanged(change.noteIds));
    // Built ahead of time, so that the first "Open Note…" is instant too.
    if (warmUp) clearTimeout(warmUp);
    warmUp = r ? setTimeout(() => void cache?.get().catch(() => undefined), 3_000) : undefined;
  });

  async function openNote(arg?: unknown, options?: { preview?: boolean; viewColumn?: vscode.ViewColumn }): Promise<vscode.Uri | undefined> {
    const noteId = await targetNoteId(services, arg);
    if (!noteId || !(await ensureUnlockedFor(services, noteId))) return undefined;
    const uri = await fs.uriFor(noteId);
    await vscode.commands.executeCommand('vscode.open', uri, { preview: options?.preview ?? true, viewColumn: options?.viewColumn });
    return uri;
  }

  /** Quick pick over all notes; resolves to the chosen noteId. */
  async function pickNote(title: string, placeHolder: string): Promise<PickableNote | undefined> {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { note: PickableNote }>();
    qp.title = title;
    qp.placeholder = placeHolder;
    qp.matchOnDescription = true;
    qp.busy = true;
    qp.show();
    const idx = await noteIndex();
    const toItems = (q: string) => filterNotes(idx, q).map((note) => ({
      label: `$(${codiconForNote(note)}) ${note.title}`,
      description: note.parentTitle ? `in ${note.parentTitle}` : undefined,
      note,
    }));
    qp.items = toItems('');
    qp.busy = false;
    qp.onDidChangeValue((v) => (qp.items = toItems(v)));
    return new Promise((resolve) => {
      qp.onDidAccept(() => {
        resolve(qp.selectedItems[0]?.note);
        qp.hide();
      });
      qp.onDidHide(() => {
        resolve(undefined);
        qp.dispose();
      });
    });
  }

  async function createNote(parent: TreeNode | undefined, kind: 'text' | 'code', given?: { title?: string; mime?: string }): Promise<string | undefined> {
    let mime: string | undefined = given?.mime;
    if (kind === 'code' && !mime) {
      const pick = await vscode.window.showQuickPick(codeLanguageChoices().map((c) => ({ label: c.label, description: c.mime, mime: c.mime })), {
        title: 'New code note: language',
      });
      if (!pick) return undefined;
      mime = pick.mime;
    }
    const title = given?.title ?? (await vscode.window.showInputBox({
      title: `New ${kind} note${parent ? ` in "${parent.title}"` : ''}`,
      prompt: 'Title',
      value: kind === 'text' ? 'new note' : 'new code note',
      validateInput: (v) => (v.trim() ? undefined : 'A note needs a title.'),
    }));
    if (!title) return undefined;
    const parentNoteId = parent?.noteId ?? ROOT_NOTE_ID;
    const { noteId } = await replica().createNote({ parentNoteId, title: title.trim(), type: kind, mime, content: '' });
    if (parent) await treeView.reveal(parent, { expand: true, select: false, focus: false }).then(undefined, () => undefined);
    const node = await tree.findNode(noteId);
    if (node) await treeView.reveal(node, { select: true, focus: false }).then(undefined, () => undefined);
    await openNote(noteId, { preview: false });
    return noteId;
  }

  async function chooseParent(title: string, exclude: string): Promise<string | undefined> {
    const target = await pickNote(title, 'Type to find the new parent note');
    if (!target) return undefined;
    if (target.noteId === exclude) {
      void vscode.window.showWarningMessage('A note cannot be placed under itself.');
      return undefined;
    }
    return target.noteId;
  }

  async function reorder(node: TreeNode, delta: -1 | 1): Promise<void> {
    const siblings = await replica().getChildren(node.parentNoteId, { includeHidden: true });
    const ids = siblings.map((s) => s.branchId);
    const at = ids.indexOf(node.branchId);
    const to = at + delta;
    if (at < 0 || to < 0 || to >= ids.length) return;
    [ids[at], ids[to]] = [ids[to], ids[at]];
    await replica().reorderChildren(node.parentNoteId, ids);
  }

  async function notePath(noteId: string): Promise<string> {
    const paths = await replica().getNotePaths(noteId);
    return '#' + (paths[0] ?? ['root', noteId]).join('/');
  }

  async function showAttributes(noteId: string): Promise<void> {
    const r = replica();
    const note = await r.getNote(noteId);
    const attrs = (await r.getAttributes(noteId)).filter((a) => !a.isDeleted);
    const items: Array<vscode.QuickPickItem & { action: 'add' | 'edit'; attributeId?: string; value?: string }> = [];
    for (const a of attrs) {
      let value = a.value;
      if (a.type === 'relation') value = `→ ${(await r.getNote(a.value))?.title ?? a.value}`;
      items.push({
        label: `${a.type === 'label' ? '#' : '~'}${a.name}`,
        description: value || undefined,
        detail: a.isInheritable ? 'inheritable' : undefined,
        action: 'edit', attributeId: a.attributeId, value: a.value,
      });
    }
    items.push({ label: '$(add) Add label…', action: 'add' });
    const pick = await vscode.window.showQuickPick(items, { title: `Attributes of "${note?.title ?? noteId}"`, placeHolder: attrs.length ? undefined : 'No attributes yet' });
    if (!pick) return;
    if (pick.action === 'add') {
      const text = await vscode.window.showInputBox({ title: 'Add label', prompt: 'name or name=value', validateInput: (v) => (/^[\p{L}\p{N}_:]+(=.*)?$/u.test(v.trim()) ? undefined : 'Use name or name=value') });
      if (!text) return;
      const [name, ...rest] = text.trim().split('=');
      await r.addAttribute(noteId, 'label', name, rest.join('='));
      return;
    }
    const action = await vscode.window.showQuickPick(['Edit Value…', 'Delete'], { title: pick.label });
    if (action === 'Delete' && pick.attributeId) await r.deleteAttribute(pick.attributeId);
    if (action === 'Edit Value…' && pick.attributeId) {
      const value = await vscode.window.showInputBox({ title: `Value of ${pick.label}`, value: pick.value });
      if (value !== undefined) await r.updateAttribute(pick.attributeId, value);
    }
  }

  const requireNode = async (arg: unknown): Promise<TreeNode> => {
    const node = await targetNode(services, arg);
    if (!node) throw new Error('Select a note in the Trilium tree first.');
    return node;
  };

  const commands: Record<string, (...args: any[]) => unknown> = {
    'trilium.openNote': (arg?: unknown, options?: { preview?: boolean }) => openNote(arg, options),
    'trilium.quickOpen': async () => {
      replica();
      const note = await pickNote('Open Trilium Note', 'Type a title (or a parent\'s title)');
      if (note) return openNote(note.noteId, { preview: false });
      return undefined;
    },
    'trilium.newNote': async (arg?: unknown, given?: { title?: string }) => createNote(await targetNode(services, arg), 'text', given),
    'trilium.newChildNote': async (arg?: unknown, given?: { title?: string }) => createNote(await targetNode(services, arg), 'text', given),
    'trilium.newChildCodeNote': async (arg?: unknown, given?: { title?: string; mime?: string }) => createNote(await targetNode(services, arg), 'code', given),
    'trilium.renameNote': async (arg?: unknown, newTitle?: string) => {
      const node = await requireNode(arg);
      const title = newTitle ?? (await vscode.window.showInputBox({ title: 'Rename note', value: node.title, validateInput: (v) => (v.trim() ? undefined : 'A note needs a title.') }));
      if (title) await replica().renameNote(node.noteId, title.trim());
    },
    'trilium.editPrefix': async (arg?: unknown, newPrefix?: string) => {
      const node = await requireNode(arg);
      const prefix = newPrefix ?? (await vscode.window.showInputBox({ title: `Branch prefix of "${node.title}"`, prompt: 'Shown as "prefix: title" in this place of the tree only; empty removes it', value: node.prefix ?? '' }));
      if (prefix !== undefined) await replica().setPrefix(node.branchId, prefix.trim() || null);
    },
    'trilium.deleteNote': async (arg?: unknown, confirmed?: boolean) => {
      const node = await requireNode(arg);
      const parents = await replica().getParentBranches(node.noteId);
      const what = parents.length > 1
        ? `Remove "${displayTitle(node)}" from this place? The note stays in its ${parents.length - 1} other place(s).`
        : `Delete "${displayTitle(node)}" and its subtree? It can be restored from Trilium's recent changes.`;
      if (!confirmed && (await vscode.window.showWarningMessage(what, { modal: true }, 'Delete')) !== 'Delete') return;
      await replica().deleteBranch(node.branchId);
    },
    'trilium.cloneNote': async (arg?: unknown, parentNoteId?: string) => {
      const node = await requireNode(arg);
      const target = parentNoteId ?? (await chooseParent(`Clone "${node.title}" to…`, node.noteId));
      if (target) await replica().cloneNote(node.noteId, target);
    },
    'trilium.moveNote': async (arg?: unknown, parentNoteId?: string) => {
      const node = await requireNode(arg);
      const target = parentNoteId ?? (await chooseParent(`Move "${node.title}" to…`, node.noteId));
      if (target) await replica().moveBranch(node.branchId, target);
    },
    'trilium.moveUp': async (arg?: unknown) => reorder(await requireNode(arg), -1),
    'trilium.moveDown': async (arg?: unknown) => reorder(await requireNode(arg), 1),
    'trilium.copyNoteLink': async (arg?: unknown) => {
      const noteId = await targetNoteId(services, arg);
      if (!noteId) return undefined;
      const note = await replica().getNote(noteId);
      const link = `[${note?.title ?? noteId}](${await notePath(noteId)})`;
      await vscode.env.clipboard.writeText(link);
      vscode.window.setStatusBarMessage(`Copied link to "${note?.title}"`, 3000);
      return link;
    },
    'trilium.showAttributes': async (arg?: unknown) => {
      const noteId = await targetNoteId(services, arg);
      if (noteId) await showAttributes(noteId);
    },
    'trilium.showRevisions': async (arg?: unknown) => {
      const noteId = await targetNoteId(services, arg);
      return vscode.commands.executeCommand('trilium.revisions.show', noteId);
    },
    // trilium.searchNotes: src/daily/searchCommand.ts (Trilium's search language)
    'trilium.revealActiveNote': async (arg?: unknown) => {
      const noteId = typeof arg === 'string' ? arg : activeEditorNoteId();
      if (!noteId) {
        void vscode.window.showInformationMessage('The active editor is not a Trilium note.');
        return undefined;
      }
      const node = await tree.findNode(noteId);
      if (!node) {
        void vscode.window.showInformationMessage('This note is not in the tree (is it in the hidden subtree? See trilium.tree.showHidden).');
        return undefined;
      }
      try {
        await treeView.reveal(node, { select: true, focus: true, expand: false });
      } catch (e) {
        // The view may still hold rows from before a refresh: list the path again, then reveal once more.
        services.log.debug(`reveal failed once (${e instanceof Error ? e.message : String(e)}); retrying`);
        tree.refreshAll();
        const again = await tree.findNode(noteId);
        if (again) await treeView.reveal(again, { select: true, focus: true, expand: false });
        return again;
      }
      return node;
    },
    'trilium.refreshTree': () => tree.refreshAll(),
  };

  const disposables = Object.entries(commands).map(([id, fn]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        void showTriliumError(e, services.log, 'Trilium');
        return undefined;
      }
    }));
  return [...disposables, replicaSub, { dispose: () => { unsubscribe?.(); if (warmUp) clearTimeout(warmUp); } }];
}
