// Wires the daily features (Trilium search, the journal, backlinks and linked notes, recent notes) into VS Code.
import * as vscode from 'vscode';
import type { Services } from '../commands/services';
import { showTriliumError } from '../commands/showError';
import { archivedNotesCommands } from './archivedNotes';
import { attributeCommands, AttributesProvider } from './attributesView';
import { BacklinksProvider, goToLinkedNoteCommand } from './backlinksView';
import { journalCommands } from './journalCommands';
import { recentNotesCommands, RecentNotesProvider } from './recentNotesView';
import { searchCommands } from './searchCommand';

export interface DailyFeatures {
  backlinks: BacklinksProvider;
  attributes: AttributesProvider;
  recent: RecentNotesProvider;
  disposables: vscode.Disposable[];
}

export function registerDailyFeatures(services: Services): DailyFeatures {
  const backlinks = new BacklinksProvider(services);
  const attributes = new AttributesProvider(services);
  const recent = new RecentNotesProvider(services);
  const commands = {
    ...searchCommands(services), ...journalCommands(services), ...goToLinkedNoteCommand(services), ...attributeCommands(services, attributes),
    ...recentNotesCommands(recent), ...archivedNotesCommands(),
  };
  const disposables: vscode.Disposable[] = [
    backlinks,
    attributes,
    recent,
    vscode.window.createTreeView('trilium.recentNotes', { treeDataProvider: recent }),
    vscode.window.createTreeView('trilium.backlinks', { treeDataProvider: backlinks }),
    vscode.window.createTreeView('trilium.attributes', { treeDataProvider: attributes }),
    ...Object.entries(commands).map(([id, fn]) => vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        void showTriliumError(e, services.log, 'Trilium');
        return undefined;
      }
    })),
  ];
  return { backlinks, attributes, recent, disposables };
}
