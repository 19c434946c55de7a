// Preview of a text note in a webview: rendered from its sanitized HTML under a strict Content Security Policy.
// The only script is ours (nonce); it turns clicks on internal links into messages. Images and included notes come
// from the replica; math is typeset by KaTeX here (its stylesheet and fonts from the extension's dist/katex; its inline
// style attributes are the only ones left after sanitizing).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ReplicaApi } from '../storage/replicaApi';
import { KATEX_DIR, KATEX_STYLESHEET, typesetMathSpans } from './mathTypeset';
import { escapeHtml, textNoteHtml } from './noteHtml';

/** The whole webview document for a note (exported for tests); `katexStylesheet` is the webview URI of KaTeX's CSS. */
export async function renderPreview(replica: ReplicaApi, noteId: string, cspSource: string, nonce: string, katexStylesheet?: string): Promise<string> {
  const note = await replica.getNote(noteId);
  const title = note?.title ?? noteId;
  let body: string;
  if (!note || note.isDeleted) body = '<p><em>This note does not exist any more.</em></p>';
  else if (note.isProtected) body = '<p><em>This note is protected; its content cannot be shown in VS Code.</em></p>';
  else if (note.type !== 'text') body = `<p><em>Preview shows text notes; this is a ${escapeHtml(note.type)} note.</em></p>`;
  else {
    body = typesetMathSpans(await textNoteHtml(replica, noteId, new Set([noteId])));
  }
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en"><head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
${katexStylesheet ? `<link rel="stylesheet" href="${escapeHtml(katexStylesheet)}">` : ''}
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.5em; line-height: 1.5; }
a { color: var(--vscode-textLink-foreground); }
pre, code { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); }
pre { padding: 0.6em; overflow-x: auto; }
table { border-collapse: collapse; } td, th { border: 1px solid var(--vscode-panel-border); padding: 0.2em 0.5em; }
img { max-width: 100%; }
blockquote { border-left: 3px solid var(--vscode-textBlockQuote-border); margin-left: 0; padding-left: 1em; }
ul.todo-list { list-style: none; padding-left: 1.2em; } ul.todo-list input { margin: 0 0.4em 0 -1.2em; }
aside.admonition { border-left: 4px solid var(--tv-adm, var(--vscode-textLink-foreground)); background: var(--vscode-textBlockQuote-background); margin: 0.8em 0; padding: 0.1em 1em; }
aside.admonition::before { display: block; font-weight: bold; margin-top: 0.4em; color: var(--tv-adm); content: var(--tv-adm-title); }
aside.admonition.note { --tv-adm: #4493f8; --tv-adm-title: "Note"; } aside.admonition.tip { --tv-adm: #3fb950; --tv-adm-title: "Tip"; }
aside.admonition.important { --tv-adm: #ab7df8; --tv-adm-title: "Important"; } aside.admonition.caution { --tv-adm: #f85149; --tv-adm-title: "Caution"; }
aside.admonition.warning { --tv-adm: #d29922; --tv-adm-title: "Warning"; }
ol.footnote-section { border-top: 1px solid var(--vscode-panel-border); padding-top: 0.5em; font-size: 0.92em; }
.footnote-reference a, .footnote-back-link a { text-decoration: none; }
span.math-tex .katex-error { font-family: var(--vscode-editor-font-family); }
figure.image { margin: 0.8em 0; } figure.image-style-align-center { text-align: center; } figure.image-style-align-right, figure.image-style-side { text-align: right; }
figure.table { margin: 0.8em 0; } th { background: var(--vscode-editorWidget-background); }
ol.footnote-section { border-top: 1px solid var(--vscode-panel-border); padding-top: 0.5em; font-size: 0.9em; }
span.footnote-back-link { display: none; } div.footnote-content > p { margin: 0; }
section.include-note { border: 1px dashed var(--vscode-panel-border); padding: 0.2em 0.8em; margin: 0.8em 0; }
p.include-note-title { font-weight: bold; margin: 0.3em 0; }
</style></head>
<body><h1>${escapeHtml(title)}</h1>
<div class="note-content">${body}</div>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a[data-note-id]');
  if (a) { e.preventDefault(); vscode.postMessage({ open: a.getAttribute('data-note-id') }); }
});
</script></body></html>`;
}

export class NotePreviews implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private unsubscribe: (() => void) | undefined;
  private replica: ReplicaApi | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  setReplica(replica: ReplicaApi | undefined): void {
    this.unsubscribe?.();
    this.replica = replica;
    this.unsubscribe = replica?.onDidChange((change) => {
      for (const [noteId, panel] of this.panels) if (change.noteIds.has(noteId)) void this.render(noteId, panel);
    });
  }

  async show(noteId: string): Promise<vscode.WebviewPanel> {
    let panel = this.panels.get(noteId);
    if (panel) {
      panel.reveal();
      return panel;
    }
    panel = vscode.window.createWebviewPanel('trilium.preview', 'Preview', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, ...KATEX_DIR)],
    });
    this.panels.set(noteId, panel);
    panel.onDidDispose(() => this.panels.delete(noteId));
    panel.webview.onDidReceiveMessage((m: { open?: string }) => {
      if (typeof m?.open === 'string' && /^[A-Za-z0-9_]+$/.test(m.open)) void this.show(m.open);
    });
    await this.render(noteId, panel);
    return panel;
  }

  private async render(noteId: string, panel: vscode.WebviewPanel): Promise<void> {
    if (!this.replica) return;
    const note = await this.replica.getNote(noteId);
    panel.title = `Preview: ${note?.title ?? noteId}`;
    const katexStylesheet = panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...KATEX_STYLESHEET)).toString();
    panel.webview.html = await renderPreview(this.replica, noteId, panel.webview.cspSource, randomBytes(16).toString('base64'), katexStylesheet);
  }

  dispose(): void {
    this.unsubscribe?.();
    for (const p of this.panels.values()) p.dispose();
  }
}
