// trilium:/<noteId>/<readable name>.<ext> — stable by noteId; the name is only for people and for VS Code to pick
// an editor and a language. Pure: no vscode import, so the rules are testable in plain Node.
import type { NoteRow } from '../storage/types';
import { binaryExtension, codeMimeInfo } from './mimeTable';

export const SCHEME = 'trilium';

/** How a note's content is presented in an editor. */
export type NoteFormat = 'markdown' | 'html' | 'code' | 'binary' | 'json';

export function sanitizeTitle(title: string): string {
  const clean = title
    .replace(/[\\/:*?"<>|\u0000-\u001f#%]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 100)
    .trim();
  return clean || 'untitled';
}

/** The file extension a note opens with; text notes pass `markdown` when their HTML round-trips. */
export function noteExtension(note: Pick<NoteRow, 'type' | 'mime' | 'title'>, textAsMarkdown: boolean): string {
  switch (note.type) {
    case 'text':
      return textAsMarkdown ? 'md' : 'html';
    case 'code':
    case 'mermaid':
      return note.type === 'mermaid' ? 'mmd' : codeMimeInfo(note.mime).ext;
    case 'image':
    case 'file':
      return binaryExtension(note.title, note.mime);
    case 'canvas':
    case 'relationMap':
    case 'mindMap':
    case 'geoMap':
    case 'noteMap':
    case 'spreadsheet':
      return 'json';
    default:
      return note.mime === 'application/json' ? 'json' : 'txt';
  }
}

/** The path part of a note's URI. Images and files keep their own extension in the title. */
export function notePath(noteId: string, title: string, ext: string): string {
  let name = sanitizeTitle(title);
  if (name.toLowerCase().endsWith('.' + ext)) name = name.slice(0, -(ext.length + 1)) || 'untitled';
  return `/${noteId}/${name}.${ext}`;
}

export function parseNotePath(path: string): { noteId: string; ext: string } | null {
  const m = /^\/([^/]+)(?:\/([^/]*))?$/.exec(path);
  if (!m) return null;
  const name = m[2] ?? '';
  const dot = name.lastIndexOf('.');
  return { noteId: decodeURIComponent(m[1]), ext: dot > 0 ? name.slice(dot + 1).toLowerCase() : '' };
}

export function formatForExtension(type: string, ext: string): NoteFormat {
  if (type === 'text') return ext === 'md' ? 'markdown' : 'html';
  if (type === 'image' || type === 'file') return 'binary';
  if (ext === 'json') return 'json';
  return 'code';
}
