// trilium-sync convert and cat --markdown: text notes as the Markdown they open as in VS Code (src/markdown).
import { readFile } from 'node:fs/promises';
import { markdownToNote, noteToMarkdown } from '../markdown/convert';
import type { IncludeTitles } from '../markdown/toMarkdown';
import { requireFlag, requirePositional, usage } from './args';
import type { CommandContext, CommandOutput } from './commands';

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `convert --to markdown FILE` (note HTML → Markdown) or `convert --to html FILE` (Markdown → CKEditor HTML). */
export async function convertCommand(ctx: CommandContext): Promise<CommandOutput> {
  const to = requireFlag(ctx.args.flags, 'to');
  const input = await readInput(requirePositional(ctx.args.positional, 0, 'FILE (or - for standard input)'));
  if (to === 'markdown' || to === 'md') {
    const { markdown, islandChars } = noteToMarkdown(input);
    return { text: markdown, json: { markdown, islandChars, markdownChars: markdown.length } };
  }
  if (to === 'html') {
    const html = markdownToNote(input);
    return { text: html === '' ? '' : `${html}\n`, json: { html } };
  }
  throw usage('--to takes markdown or html.');
}

/** What `cat NOTE --markdown` prints for a note: a text note as it opens in VS Code (`titles`: its embeds' titles), anything else unchanged. */
export function noteTextFor(ctx: CommandContext, type: string, content: Buffer, titles?: IncludeTitles): Buffer {
  if (!ctx.args.switches.has('markdown') || type !== 'text') return content;
  return Buffer.from(noteToMarkdown(content.toString('utf8'), titles).markdown, 'utf8');
}
