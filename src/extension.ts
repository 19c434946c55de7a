// Wires the core (src/storage, src/sync) to VS Code. Kept thin: no logic that a test in plain Node could cover.
import * as vscode from 'vscode';
import { registerNoteCommands } from './commands/noteCommands';
import type { Services } from './commands/services';
import { showTriliumError } from './commands/showError';
import { registerSyncCommands } from './commands/syncCommands';
import { NoteFileSystem, noteIdFromUri } from './editor/noteFileSystem';
import { warmUpWhenIdle } from './editor/converterWarmUp';
import { WorkerConverter } from './markdown/worker/noteConverter';
import { registerImagePaste, type ImagePasteProviders } from './editor/imagePaste';
import type MarkdownIt from 'markdown-it';
import { triliumPreviewPlugin } from './markdown/previewPlugin';
import { registerNoteLinks } from './editor/noteLinkProviders';
import { SCHEME } from './editor/noteUri';
import { NotePreviews } from './preview/notePreview';
import { PreviewResources } from './preview/previewResources';
import { Secrets } from './secrets';
import { onDidChangeSettings, readSettings } from './settings';
import { realCore } from './setup/core';
import { DOCUMENT_KEY, DocumentSession } from './setup/session';
import { startDemoIfAsked } from './setup/demo';
import { SyncStatusBar } from './statusBar/syncStatusBar';
import { NoteDragAndDrop } from './treeView/dragAndDrop';
import { NoteTreeProvider } from './treeView/noteTreeProvider';
import type { TreeNode } from './treeView/treeNode';
import { targetNoteId } from './commands/noteTarget';
import { registerConflicts, type ConflictsApi } from './conflicts';
import { ProtectedNotes } from './protected/protectedNotes';
import { registerDailyFeatures, type DailyFeatures } from './daily/register';

/** What activate() returns: used by the extension-host tests and the bench. */
export interface TriliumExtensionApi {
  services: Services;
  /** Resolves when the configured document (if any) is open and the scheduler runs. */
  ready: Promise<void>;
  activationMs: number;
  /** Unresolved sync conflicts: the count (for the status bar) and what the Conflicts view shows. */
  conflicts: ConflictsApi;
  /** Search, journal and links (the Backlinks view's provider). */
  daily: DailyFeatures;
  /** The paste and drop providers that turn images into attachments (tests call them with their own data). */
  images: ImagePasteProviders;
  /** Converts text notes between HTML and Markdown for the editor, in a worker thread. */
  noteConverter: WorkerConverter;
  /** VS Code's Markdown preview calls this (`markdown.markdownItPlugins`): `trilium:` notes render in Trilium's dialect. */
  extendMarkdownIt(md: MarkdownIt.MarkdownIt): MarkdownIt.MarkdownIt;
}

export function activate(context: vscode.ExtensionContext): TriliumExtensionApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Trilium Sync', { log: true });
  const secrets = new Secrets(context.secrets);
  const session = new DocumentSession(context, realCore, log, secrets);
  const tree = new NoteTreeProvider(() => readSettings().trilium.showHidden, () => readSettings().trilium.showArchived);
  const textAsMarkdown = () => readSettings().trilium.textNotesAsMarkdown;
  const converter = new WorkerConverter({ onFallback: (reason) => log.warn(reason) });
  const fs = new NoteFileSystem(textAsMarkdown, converter);
  const previews = new NotePreviews(context.extensionUri);
  const previewResources = new PreviewResources(() => void vscode.commands.executeCommand('markdown.preview.refresh'));
  const dnd = new NoteDragAndDrop(() => session.replica, (id) => fs.uriFor(id), (e) => void showTriliumError(e, log, 'Move failed'));
  const treeView = vscode.window.createTreeView<TreeNode>('trilium.noteTree', {
    treeDataProvider: tree, dragAndDropController: dnd, showCollapseAll: true, canSelectMany: true,
  });
  const statusBar = new SyncStatusBar(session);
  const services: Services = { context, session, log, tree, treeView, dnd, fs, statusBar };
  const daily = registerDailyFeatures(services);
  context.subscriptions.push(...daily.disposables);
  const images = registerImagePaste(() => session.replica);
  context.subscriptions.push(...images.disposables);

  context.subscriptions.push(
    log, session, tree, fs, converter, previews, previewResources, treeView, statusBar,
    warmUpWhenIdle(converter, session, textAsMarkdown),
    vscode.workspace.registerFileSystemProvider(SCHEME, fs, { isCaseSensitive: true }),
    session.onDidChangeReplica((replica) => {
      tree.setReplica(replica);
      fs.setReplica(replica);
      previews.setReplica(replica);
      previewResources.setReplica(replica);
    }),
    ...registerSyncCommands(services),
    ...registerNoteCommands(services),
    ...registerNoteLinks({ replica: () => session.replica, onDidChangeReplica: (l) => session.onDidChangeReplica(l), uriFor: (id) => fs.uriFor(id) }),
    new ProtectedNotes(services),
    vscode.commands.registerCommand('trilium.previewNote', async (arg?: unknown) => {
      const noteId = await targetNoteId(services, arg);
      if (noteId) return previews.show(noteId);
      return undefined;
    }),
    onDidChangeSettings((e) => {
      if (e.affectsConfiguration('trilium.tree.showHidden') || e.affectsConfiguration('trilium.tree.showArchived')) tree.refreshAll();
      if (e.affectsConfiguration('trilium.sync') || e.affectsConfiguration('http')) session.settingsChanged();
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      const noteId = editor && noteIdFromUri(editor.document.uri);
      if (noteId && treeView.visible && readSettings().trilium.revealActiveNote) {
        void tree.findNode(noteId).then((node) => node && treeView.reveal(node, { select: true, focus: false })).then(undefined, () => undefined);
      }
    }),
  );
  const conflicts = registerConflicts(context, {
    getReplica: () => session.replica,
    onDidChangeReplica: (listener) => session.onDidChangeReplica(listener),
    onDidChangeState: (listener) => session.onDidChangeState(listener),
    noteUri: (noteId) => fs.uriFor(noteId),
    log,
  });
  context.subscriptions.push(conflicts.onDidChangeConflicts(() => void statusBar.refreshCounts()));

  // Nothing blocks start-up: the document opens after activate() has returned.
  const ready = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
    try {
      if (context.globalState.get<string>(DOCUMENT_KEY)) await session.restore();
      else await vscode.commands.executeCommand('setContext', 'trilium.configured', false);
      await startDemoIfAsked(session);
    } catch (e) {
      void showTriliumError(e, log, 'Could not open the Trilium document');
    }
  });
  const activationMs = performance.now() - started;
  log.info(`Trilium extension activated in ${activationMs.toFixed(1)} ms`);
  const extendMarkdownIt = (md: MarkdownIt.MarkdownIt): MarkdownIt.MarkdownIt => triliumPreviewPlugin(md, {
    sourceOf: textOfRenderedDocument,
    includedNote: (noteId) => previewResources.includedNote(noteId),
    imageSrc: (src) => previewResources.imageSrc(src),
  });
  return { services, ready, activationMs, conflicts, daily, images, noteConverter: converter, extendMarkdownIt };
}

/** The text of the document VS Code's Markdown preview is rendering (env.currentDocument), if it is open. */
function textOfRenderedDocument(env: unknown): string | undefined {
  const uri = (env as { currentDocument?: vscode.Uri } | undefined)?.currentDocument?.toString();
  return uri === undefined ? undefined : vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)?.getText();
}

export function deactivate(): void {
  // disposables are released through context.subscriptions
}
