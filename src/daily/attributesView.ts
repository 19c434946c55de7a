// The Attributes view of the active note: promoted fields first (Trilium's promoted attributes, to fill in), then the
// note's own labels and relations, then inherited ones with the note they come from; add, edit and delete commands.
import * as vscode from 'vscode';
import { ActiveNoteView } from './activeNoteView';
import type { Services } from '../commands/services';
import type { EffectiveAttribute, PromotedField } from '../storage/query/replicaQueries';

export type AttributeItem =
  | { kind: 'promoted'; noteId: string; field: PromotedField }
  | { kind: 'attribute'; noteId: string; attribute: EffectiveAttribute };

export class AttributesProvider extends ActiveNoteView<AttributeItem> {
  constructor(services: Services) {
    super(services, false);
  }

  getTreeItem(item: AttributeItem): vscode.TreeItem {
    if (item.kind === 'promoted') {
      const { field } = item;
      const values = field.values.map((v) => (field.type === 'relation' ? v.targetTitle ?? v.value : v.value));
      const t = new vscode.TreeItem(field.name);
      t.description = values.length ? values.join(', ') : '(empty: click to set)';
      t.iconPath = new vscode.ThemeIcon(field.type === 'relation' ? 'arrow-right' : 'symbol-field');
      t.tooltip = `Promoted ${field.type} ${field.name} (${field.definition.join(', ')})`;
      t.contextValue = 'promotedField';
      t.command = { command: 'trilium.attributes.setPromoted', title: 'Set Value', arguments: [item] };
      return t;
    }
    const a = item.attribute;
    const t = new vscode.TreeItem(`${a.type === 'label' ? '#' : '~'}${a.name}`);
    const shown = a.type === 'relation' ? a.targetTitle ?? a.value : a.value;
    t.description = [shown ? `= ${shown}` : '', a.isInheritable ? '(inheritable)' : '', a.inherited ? `from ${a.ownerTitle}` : '']
      .filter(Boolean).join(' ');
    t.iconPath = new vscode.ThemeIcon(a.inherited ? 'type-hierarchy-sub' : a.type === 'label' ? 'tag' : 'references');
    t.contextValue = a.inherited ? 'attribute.inherited' : 'attribute.own';
    if (a.type === 'relation') t.command = { command: 'trilium.openNote', title: 'Open Target', arguments: [a.value] };
    return t;
  }

  async getChildren(parent?: AttributeItem): Promise<AttributeItem[]> {
    const replica = this.services.session.replica;
    const noteId = this.currentNoteId;
    if (parent || !replica || !noteId) return [];
    const [fields, attrs] = await Promise.all([replica.getPromotedFields(noteId), replica.getEffectiveAttributes(noteId)]);
    const definitions = (a: EffectiveAttribute) => a.type === 'label' && /^(label|relation):/.test(a.name);
    const ordered = [...attrs.filter((a) => !a.inherited && !definitions(a)), ...attrs.filter((a) => a.inherited && !definitions(a)), ...attrs.filter(definitions)];
    return [
      ...fields.map((field): AttributeItem => ({ kind: 'promoted', noteId, field })),
      ...ordered.map((attribute): AttributeItem => ({ kind: 'attribute', noteId, attribute })),
    ];
  }
}

/** `#name`, `#name=value`, `~name` … as typed in the add box. */
export function parseAttributeInput(text: string): { type: 'label' | 'relation'; name: string; value: string; inheritable: boolean } | null {
  const m = /^\s*([#~])([^\s=(]+)(\(inheritable\))?\s*(?:=\s*(.*?))?\s*$/.exec(text);
  if (!m) return null;
  let value = m[4] ?? '';
  if (/^".*"$|^'.*'$/.test(value)) value = value.slice(1, -1);
  return { type: m[1] === '#' ? 'label' : 'relation', name: m[2], value, inheritable: !!m[3] };
}

export function attributeCommands(services: Services, view: AttributesProvider): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const replica = () => services.session.requireReplica();
  const pickTarget = async (): Promise<string | undefined> => {
    const q = await vscode.window.showInputBox({ title: 'Relation target', prompt: 'Search for the target note (Trilium search language)' });
    if (!q) return undefined;
    const hits = await replica().search(q, { limit: 200 });
    const pick = await vscode.window.showQuickPick(hits.map((h) => ({ label: h.title, description: h.notePathTitle, noteId: h.noteId })), { title: 'Relation target' });
    return pick?.noteId;
  };
  return {
    /** Programmatic: { noteId?, text: '#name=value' | '~name', target? }; returns the new attributeId. */
    'trilium.attributes.add': async (arg?: unknown) => {
      const given = (arg && typeof arg === 'object' ? arg : {}) as { noteId?: string; text?: string; target?: string };
      const noteId = given.noteId ?? view.currentNoteId;
      if (!noteId) {
        void vscode.window.showInformationMessage('Open a Trilium note first.');
        return undefined;
      }
      const text = given.text ?? await vscode.window.showInputBox({
        title: 'Add Attribute', prompt: '#label, #label=value, #label(inheritable)=value, or ~relation (then pick its target)',
        validateInput: (v) => (parseAttributeInput(v) ? undefined : 'Start with # (label) or ~ (relation), e.g. #status=done'),
      });
      const parsed = text ? parseAttributeInput(text) : null;
      if (!parsed) return undefined;
      let value = parsed.value;
      if (parsed.type === 'relation' && !value) value = given.target ?? (await pickTarget()) ?? '';
      if (parsed.type === 'relation' && !value) return undefined;
      return replica().addAttribute(noteId, parsed.type, parsed.name, value, parsed.inheritable);
    },
    /** Programmatic: (item, newValue). */
    'trilium.attributes.edit': async (item?: unknown, newValue?: unknown) => {
      const a = (item as AttributeItem | undefined)?.kind === 'attribute' ? (item as { attribute: EffectiveAttribute }).attribute : undefined;
      if (!a || a.inherited) return undefined;
      let value = typeof newValue === 'string' ? newValue : undefined;
      if (value === undefined) {
        value = a.type === 'relation' ? await pickTarget()
          : await vscode.window.showInputBox({ title: `Value of #${a.name}`, value: a.value });
      }
      if (value === undefined) return undefined;
      await replica().updateAttribute(a.attributeId, value);
      return value;
    },
    'trilium.attributes.delete': async (item?: unknown) => {
      const a = (item as AttributeItem | undefined)?.kind === 'attribute' ? (item as { attribute: EffectiveAttribute }).attribute : undefined;
      if (!a || a.inherited) return undefined;
      await replica().deleteAttribute(a.attributeId);
      return a.attributeId;
    },
    /** Fills a promoted field: updates the note's own attribute of that name, or adds one. Programmatic: (item, value). */
    'trilium.attributes.setPromoted': async (item?: unknown, newValue?: unknown) => {
      const it = item as AttributeItem | undefined;
      if (!it || it.kind !== 'promoted') return undefined;
      const { field } = it;
      const own = field.values.find((v) => !v.inherited);
      let value = typeof newValue === 'string' ? newValue : undefined;
      if (value === undefined) {
        value = field.type === 'relation' ? await pickTarget()
          : await vscode.window.showInputBox({ title: field.name, value: own?.value ?? '', prompt: field.definition.join(', ') });
      }
      if (value === undefined) return undefined;
      if (own) await replica().updateAttribute(own.attributeId, value);
      else await replica().addAttribute(it.noteId, field.type, field.name, value);
      return value;
    },
  };
}
