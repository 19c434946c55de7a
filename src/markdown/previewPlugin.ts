// The Trilium dialect as a markdown-it plugin for VS Code's built-in Markdown preview (`markdown.markdownItPlugins`):
// for `trilium:` documents only, math (typeset by KaTeX), footnotes, `{…}` attributes after images and links, and the
// output in CKEditor's form (tables in figure.table, `- [ ]` lists as ul.todo-list, `> [!NOTE]` as aside.admonition,
// images in figure.image, footnotes as CKEditor's footnotes plugin writes them, included notes with their content), so
// the preview shows what Trilium shows. Other Markdown files render as VS Code renders them. What the Markdown does
// not hold (an included note's content, an attachment's bytes) comes from `includedNote` and `imageSrc`, which answer
// synchronously from what the glue has read (src/preview/previewResources.ts).
//
// VS Code parses a document without naming it (env.currentDocument is set only when rendering) and caches the tokens,
// so a trilium: note's Markdown is parsed again at render time, with the note in env, from the text those tokens were
// parsed from (or, for tokens parsed elsewhere, the text `sourceOf` gives): markdown-math's rules, which split a
// paragraph at a `$$` line, never apply to a note.
import type MarkdownIt from 'markdown-it';
import footnote from 'markdown-it-footnote';
import { typesetMathSpans } from '../preview/mathTypeset';
import { toCkeditorForm } from './ckeditorForm';
import type { IncludedNote } from './dialect';
import { attrsRule, footnoteRenderRules, includeRule, includeSectionOpen, mathRule, renderImage, renderMath } from './markdownIt';

type Markdown = MarkdownIt.MarkdownIt;
type RenderRule = NonNullable<MarkdownIt.Renderer['rules']['image']>;
type Rule = (state: { env: unknown }, ...rest: never[]) => boolean | void;
type RuleOptions = { alt?: string[] };
/** The part of a markdown-it Ruler that plugins add rules with. */
interface Ruler {
  before(anchor: string, name: string, rule: Rule, options?: RuleOptions): void;
  after(anchor: string, name: string, rule: Rule, options?: RuleOptions): void;
  push(name: string, rule: Rule, options?: RuleOptions): void;
}
type EnvTest = (env: unknown) => boolean;
type Token = MarkdownIt.Token;

export interface PreviewPluginOptions {
  /** Whether the document rendered or parsed is a Trilium note (default: a `trilium:` env.currentDocument). */
  isTrilium?: EnvTest;
  /** The Markdown text of the document being rendered, to parse it as a Trilium note. */
  sourceOf?: (env: unknown) => string | undefined;
  /** The safe HTML an included note's section shows; null when the note does not exist, undefined while unknown. */
  includedNote?: (noteId: string) => string | null | undefined;
  /** Where the preview loads an image of the note from (a data: URI for an attachment), given its Markdown destination. */
  imageSrc?: (src: string) => string | undefined;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An included note in the preview: its content once it has been read, its title from the Markdown until then. */
function includeRenderer(includedNote: PreviewPluginOptions['includedNote']): RenderRule {
  return (tokens, i) => {
    const meta = tokens[i].meta as unknown as IncludedNote & { title: string };
    const shown = includedNote?.(meta.noteId);
    const title = `<p class="include-note-title">${escapeHtml(meta.title || meta.noteId)}</p>`;
    const body = shown ?? (shown === null ? `${title}<p><em>This note does not exist.</em></p>` : `${title}<p><em>Loading…</em></p>`);
    return `${includeSectionOpen(meta)}${body}</section>`;
  };
}

/** VS Code's markdown-math rules: in a Trilium note, `$` is the dialect's math, so they stay out of its parse. */
const OTHER_MATH_RULES = {
  block: ['math_block'],
  inline: ['math_inline', 'math_inline_block', 'math_inline_bare_block'],
  core: ['math_block_in_html_block', 'math_inline_in_html_block'], // `$` in raw HTML (our islands) as math, when enabled
};

/** VS Code passes the document being previewed as `env.currentDocument` (a Uri). */
export function isTriliumEnv(env: unknown): boolean {
  const doc = (env as { currentDocument?: { scheme?: string } } | undefined)?.currentDocument;
  return doc?.scheme === 'trilium';
}

/** A ruler that adds each rule to `ruler` so that it runs only where `when(state.env)` holds. */
function gatedRuler(ruler: Ruler, when: EnvTest): Ruler {
  const gate = (rule: Rule): Rule => (state, ...rest) => (when(state.env) ? rule(state, ...rest) : false);
  return {
    before: (anchor, name, rule, options) => ruler.before(anchor, name, gate(rule), options),
    after: (anchor, name, rule, options) => ruler.after(anchor, name, gate(rule), options),
    push: (name, rule, options) => ruler.push(name, gate(rule), options),
  };
}

/** markdown-it-footnote's parsing, for the documents `when` picks (VS Code's preview has no footnotes of its own). */
function useFootnotesWhere(md: Markdown, when: EnvTest): void {
  const gated = {
    ...md,
    block: { ruler: gatedRuler(md.block.ruler as unknown as Ruler, when) },
    inline: { ruler: gatedRuler(md.inline.ruler as unknown as Ruler, when) },
    core: { ruler: gatedRuler(md.core.ruler as unknown as Ruler, when) },
  };
  footnote(gated as unknown as Markdown);
  md.inline.ruler.disable('footnote_inline'); // `^[…]` has no id to keep, as in the dialect
}

/** `rules[name]` becomes `ours` where `when(env)` holds and stays what it was elsewhere. */
function renderWhere(md: Markdown, name: string, ours: RenderRule, when: EnvTest): void {
  const rules = md.renderer.rules;
  const theirs: RenderRule = rules[name] ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
  rules[name] = (tokens, i, options, env, self) => (when(env) ? ours : theirs)(tokens, i, options, env, self);
}

/** `md.parse` of a Trilium note: the Trilium rules on, other math rules off for this one parse. */
function parseAsTrilium(md: Markdown, source: string, env: unknown): Token[] {
  const block = md.block.ruler.disable(OTHER_MATH_RULES.block, true);
  const inline = md.inline.ruler.disable(OTHER_MATH_RULES.inline, true);
  const core = md.core.ruler.disable(OTHER_MATH_RULES.core, true);
  try {
    // what the parse adds to env is its own: a reused env would carry footnotes and references over
    return md.parse(source, { ...(env as object), footnotes: undefined, references: undefined });
  } finally {
    md.block.ruler.enable(block, true);
    md.inline.ruler.enable(inline, true);
    md.core.ruler.enable(core, true);
  }
}

export function triliumPreviewPlugin(md: Markdown, options: PreviewPluginOptions = {}): Markdown {
  const isTrilium = options.isTrilium ?? isTriliumEnv;
  const parsedAsTrilium = new WeakSet<Token[]>();
  const sources = new WeakMap<Token[], string>();
  const parse = md.parse.bind(md);
  md.parse = (src, env) => {
    const tokens = parse(src, env);
    if (typeof src === 'string') sources.set(tokens, src);
    return tokens;
  };
  md.core.ruler.push('trilium_parsed', (state) => {
    if (isTrilium(state.env)) parsedAsTrilium.add(state.tokens);
  });
  // before `escape`, so that in trilium: documents our `$` comes before another math plugin's (VS Code's markdown-math)
  md.inline.ruler.before('escape', 'trilium_math', (state, silent) => isTrilium(state.env) && mathRule(state, silent));
  md.inline.ruler.after('trilium_math', 'trilium_attrs', (state, silent) => isTrilium(state.env) && attrsRule(state, silent));
  md.core.ruler.after('inline', 'trilium_include', (state) => {
    if (isTrilium(state.env)) includeRule(state as MarkdownIt.StateCore);
  });
  if (!md.renderer.rules.footnote_ref) useFootnotesWhere(md, isTrilium); // else another plugin parses footnotes already
  const rules = md.renderer.rules;
  rules.trilium_include = includeRenderer(options.includedNote);
  rules.trilium_math_inline = renderMath;
  rules.trilium_math_display = renderMath;
  for (const [name, rule] of Object.entries(footnoteRenderRules)) renderWhere(md, name, rule, isTrilium);
  renderWhere(md, 'image', (tokens, i, renderOptions, env, self) => {
    // VS Code's own image rule, which runs first, keeps the Markdown's destination in data-src
    const token = tokens[i];
    const shown = options.imageSrc?.(String(token.attrGet('data-src') ?? token.attrGet('src') ?? ''));
    if (shown !== undefined) token.attrSet('src', shown);
    return renderImage(tokens, i, renderOptions, env, self);
  }, isTrilium);
  const linkOpen: RenderRule = rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
  rules.link_open = (tokens, i, options, env, self) => {
    const token = tokens[i];
    const attrs = (token.meta as { attrs?: Array<[string, string]> } | null)?.attrs;
    const cls = attrs?.filter(([k]) => k === 'class').map(([, v]) => v).join(' ');
    if (isTrilium(env) && cls) token.attrJoin('class', cls);
    return linkOpen(tokens, i, options, env, self);
  };
  const render = md.renderer.render.bind(md.renderer);
  md.renderer.render = (tokens, renderOptions, env) => {
    if (!isTrilium(env)) return render(tokens, renderOptions, env);
    const source = parsedAsTrilium.has(tokens) ? undefined : sources.get(tokens) ?? options.sourceOf?.(env);
    const triliumTokens = source === undefined ? tokens : parseAsTrilium(md, source, env);
    return typesetMathSpans(toCkeditorForm(render(triliumTokens, renderOptions, env)));
  };
  return md;
}
