// Pasting or dropping an image into a `trilium:` Markdown or HTML note: the image becomes an image attachment of
// the note in the replica (it syncs like any other edit) and the note gets a link to it. The rules are in
// src/markdown/imageAttachments.ts.
import * as vscode from 'vscode';
import { imageAttachmentHref, imageInsertText, imageTitle, imageTypeOf } from '../markdown/imageAttachments';
import type { ReplicaApi } from '../storage/replicaApi';
import { SCHEME } from './noteUri';
import { noteIdFromUri } from './noteFileSystem';

const SELECTOR: vscode.DocumentSelector = [
  { scheme: SCHEME, language: 'markdown' },
  { scheme: SCHEME, language: 'html' },
];
const KIND = vscode.DocumentDropOrPasteEditKind.Empty.append('trilium', 'imageAttachment');

export class NoImageToAttach extends Error {
  constructor(what: string) {
    super(`${what} is not an image Trilium can show (PNG, JPEG, GIF, WebP, SVG, BMP, ICO or AVIF).`);
  }
}

/** Creates an image attachment on the note for each image in the data transfer; returns the text linking them. */
export async function attachImages(replica: ReplicaApi, doc: vscode.TextDocument, data: vscode.DataTransfer): Promise<string | undefined> {
  const noteId = noteIdFromUri(doc.uri);
  if (!noteId) return undefined;
  const language = doc.languageId === 'html' ? 'html' : 'markdown';
  const links: string[] = [];
  for (const [mime, item] of data) {
    const file = item.asFile();
    if (!file || !(mime.startsWith('image/') || mime === 'files' || mime === 'text/uri-list')) continue;
    const bytes = await file.data();
    const type = imageTypeOf(bytes);
    if (!type) {
      if (mime.startsWith('image/')) throw new NoImageToAttach(file.name || mime);
      continue;
    }
    const title = imageTitle(file.name, type.ext);
    const attachmentId = await replica.addAttachment(noteId, { role: 'image', mime: type.mime, title, content: Buffer.from(bytes) });
    links.push(imageInsertText(language, title, imageAttachmentHref(attachmentId, title)));
  }
  return links.length ? links.join(language === 'html' ? '' : '\n\n') : undefined;
}

export interface ImagePasteProviders {
  paste: vscode.DocumentPasteEditProvider;
  drop: vscode.DocumentDropEditProvider;
  disposables: vscode.Disposable[];
}

export function registerImagePaste(replica: () => ReplicaApi | undefined): ImagePasteProviders {
  const paste: vscode.DocumentPasteEditProvider = {
    async provideDocumentPasteEdits(doc, _ranges, data) {
      const r = replica();
      const text = r && (await attachImages(r, doc, data));
      return text ? [new vscode.DocumentPasteEdit(text, 'Insert as Trilium image attachment', KIND)] : undefined;
    },
  };
  const drop: vscode.DocumentDropEditProvider = {
    async provideDocumentDropEdits(doc, _position, data) {
      const r = replica();
      const text = r && (await attachImages(r, doc, data));
      if (!text) return undefined;
      const edit = new vscode.DocumentDropEdit(text, 'Insert as Trilium image attachment', KIND);
      return [edit];
    },
  };
  const mimeTypes = ['image/*', 'files'];
  return {
    paste,
    drop,
    disposables: [
      vscode.languages.registerDocumentPasteEditProvider(SELECTOR, paste, { providedPasteEditKinds: [KIND], pasteMimeTypes: mimeTypes }),
      vscode.languages.registerDocumentDropEditProvider(SELECTOR, drop, { providedDropEditKinds: [KIND], dropMimeTypes: mimeTypes }),
    ],
  };
}
