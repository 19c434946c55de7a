// Links between notes in `trilium:` Markdown and HTML editors: links to notes are clickable (they open the linked
// note's document), and typing `[text](` or `[[` offers note titles. The text rules are in src/markdown/noteLinks.ts.
import * as vscode from 'vscode';
import { filterNotes, NoteIndexCache } from '../commands/notePicker';
import { closingAfter, findNoteLinks, linkInsertText, linkTypingAt, noteHref } from '../markdown/noteLinks';
import type { ReplicaApi } from '../storage/replicaApi';
import { SCHEME } from './noteUri';

const SELECTOR: vscode.DocumentSelector = [
  { scheme: SCHEME, language: 'markdown' },
  { scheme: SCHEME, language: 'html' },
];

/** How many completions get their note's real tree path (the others link `#root/NOTEID`, which Trilium resolves). */
const PATHS_RESOLVED = 30;
const SHOWN = 100;

class NoteLink extends vscode.DocumentLink {
  constructor(range: vscode.Range, readonly noteId: string) {
    super(range);
    this.tooltip = 'Open the linked note';
  }
}

export interface NoteLinkHost {
  replica(): ReplicaApi | undefined;
  onDidChangeReplica(listener: (replica: ReplicaApi | undefined) => void): vscode.Disposable;
  uriFor(noteId: string): Promise<vscode.Uri>;
}

export function registerNoteLinks(host: NoteLinkHost): vscode.Disposable[] {
  let cache: NoteIndexCache | undefined;
  let unsubscribe: (() => void) | undefined;
  const follow = (r: ReplicaApi | undefined): void => {
    unsubscribe?.();
    cache = r ? new NoteIndexCache(r) : undefined;
    unsubscribe = r?.onDidChange((change) => cache?.noteChanged(change.noteIds));
  };
  follow(host.replica());

  const links: vscode.DocumentLinkProvider<NoteLink> = {
    provideDocumentLinks(doc) {
      const text = doc.getText();
      return findNoteLinks(text).map((l) => new NoteLink(new vscode.Range(doc.positionAt(l.start), doc.positionAt(l.end)), l.noteId));
    },
    async resolveDocumentLink(link) {
      link.target = await host.uriFor(link.noteId);
      return link;
    },
  };

  const completions: vscode.CompletionItemProvider = {
    async provideCompletionItems(doc, position) {
      const line = doc.lineAt(position.line).text;
      const typing = linkTypingAt(line.slice(0, position.character));
      const replica = host.replica();
      if (!typing || !replica || !cache) return undefined;
      const notes = filterNotes(await cache.get(), typing.query, SHOWN);
      const range = new vscode.Range(position.line, typing.from, position.line, position.character + closingAfter(typing.kind, line.slice(position.character)));
      const items = await Promise.all(notes.map(async (note, i) => {
        const path = i < PATHS_RESOLVED ? (await replica.getNotePaths(note.noteId))[0] : undefined;
        const item = new vscode.CompletionItem({ label: note.title, description: note.parentTitle ?? undefined }, vscode.CompletionItemKind.Reference);
        item.insertText = linkInsertText(typing.kind, note.title, noteHref(path, note.noteId));
        item.range = range;
        item.filterText = typing.kind === 'wiki' ? `[[${note.title}` : typing.kind === 'embed' ? `![[${note.title}` : note.title;
        item.sortText = String(i).padStart(4, '0');
        item.detail = note.type;
        return item;
      }));
      return new vscode.CompletionList(items, true);
    },
  };

  return [
    host.onDidChangeReplica(follow),
    { dispose: () => unsubscribe?.() },
    vscode.languages.registerDocumentLinkProvider(SELECTOR, links),
    vscode.languages.registerCompletionItemProvider(SELECTOR, completions, '(', '['),
  ];
}
