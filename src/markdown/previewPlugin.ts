// The Trilium dialect as a markdown-it plugin for VS Code's built-in Markdown preview (`markdown.markdownItPlugins`):
// for `trilium:` documents only, math, `{…}` attributes after images and links, and the output in CKEditor's form
// (tables in figure.table, `- [ ]` lists as ul.todo-list, `> [!NOTE]` as aside.admonition, images in figure.image),
// so the preview shows what Trilium shows. Other Markdown files render as VS Code renders them.
import type MarkdownIt from 'markdown-it';
import { toCkeditorForm } from './ckeditorForm';
import { attrsRule, mathRule, renderImage, renderMath } from './markdownIt';

type Markdown = MarkdownIt.MarkdownIt;
type RenderRule = NonNullable<MarkdownIt.Renderer['rules']['image']>;

/** VS Code passes the document being previewed as `env.currentDocument` (a Uri). */
export function isTriliumEnv(env: unknown): boolean {
  const doc = (env as { currentDocument?: { scheme?: string } } | undefined)?.currentDocument;
  return doc?.scheme === 'trilium';
}

export function triliumPreviewPlugin(md: Markdown, isTrilium: (env: unknown) => boolean = isTriliumEnv): Markdown {
  md.inline.ruler.after('escape', 'trilium_math', (state, silent) => isTrilium(state.env) && mathRule(state, silent));
  md.inline.ruler.after('trilium_math', 'trilium_attrs', (state, silent) => isTrilium(state.env) && attrsRule(state, silent));
  const rules = md.renderer.rules;
  rules.math_inline = renderMath;
  rules.math_display = renderMath;
  const image: RenderRule = rules.image ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
  rules.image = (tokens, i, options, env, self) => (isTrilium(env) ? renderImage : image)(tokens, i, options, env, self);
  const linkOpen: RenderRule = rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
  rules.link_open = (tokens, i, options, env, self) => {
    const token = tokens[i];
    const attrs = (token.meta as { attrs?: Array<[string, string]> } | null)?.attrs;
    const cls = attrs?.filter(([k]) => k === 'class').map(([, v]) => v).join(' ');
    if (isTrilium(env) && cls) token.attrJoin('class', cls);
    return linkOpen(tokens, i, options, env, self);
  };
  const render = md.renderer.render.bind(md.renderer);
  md.renderer.render = (tokens, options, env) => {
    const html = render(tokens, options, env);
    return isTrilium(env) ? toCkeditorForm(html) : html;
  };
  return md;
}
