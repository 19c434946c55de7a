// Where the extension-host layer runs, and that what the manifest contributes is really there once activated.
// The contributions are read from package.json rather than listed here, so the suite follows the manifest.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'trilium-vscode.trilium-vscode';

interface Manifest {
  name: string;
  publisher: string;
  version: string;
  main: string;
  engines: { vscode: string };
  contributes?: {
    commands?: { command: string; title: string; category?: string }[];
    views?: Record<string, { id: string; name: string }[]>;
    viewsContainers?: Record<string, { id: string; title: string }[]>;
    configuration?: { properties?: Record<string, { default?: unknown }> } | { properties?: Record<string, { default?: unknown }> }[];
  };
}

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `extension ${EXTENSION_ID} is not loaded`);
  return found;
}

function manifest(): Manifest {
  return extension().packageJSON as Manifest;
}

function configurationProperties(): Record<string, { default?: unknown }> {
  const configuration = manifest().contributes?.configuration;
  const sections = Array.isArray(configuration) ? configuration : configuration ? [configuration] : [];
  return Object.assign({}, ...sections.map((section) => section.properties ?? {}));
}

// scripts/run-exthost-tests.mjs says which VS Code (scripts/lib/vscode-targets.json) it started and on which Node.
const expectedVscode = process.env.TRILIUM_EXPECT_VSCODE ?? '1.100.3';
const expectedNodeMajor = process.env.TRILIUM_EXPECT_NODE_MAJOR ?? '20';

describe('extension host: where the tests run', () => {
  it(`is code-server (VS Code ${expectedVscode}, Node ${expectedNodeMajor}) in a remote Node extension host, not Electron`, () => {
    assert.match(vscode.env.appName, /code-server/i);
    assert.strictEqual(vscode.version, expectedVscode);
    assert.strictEqual(vscode.env.uiKind, vscode.UIKind.Web);
    assert.ok(vscode.env.remoteName, 'expected a remote extension host');
    assert.strictEqual(process.versions.electron, undefined);
    assert.strictEqual(process.versions.node.split('.')[0], expectedNodeMajor);
  });

  it('has the built-in node:sqlite exactly when its Node is 22.13 or newer', () => {
    const [major, minor] = process.versions.node.split('.').map(Number);
    const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    type Row = { answer: number; version: string };
    type DatabaseSync = new (file: string) => { prepare(sql: string): { get(): unknown }; close(): void };
    const builtin = getBuiltin?.('node:sqlite') as { DatabaseSync: DatabaseSync } | undefined;
    assert.strictEqual(Boolean(builtin), major > 22 || (major === 22 && minor >= 13));
    if (builtin) {
      const db = new builtin.DatabaseSync(':memory:');
      const row = db.prepare('select 40 + 2 as answer, sqlite_version() as version').get() as Row;
      db.close();
      assert.strictEqual(row.answer, 42);
      assert.match(row.version, /^3\./);
    }
  });

  it('loads the extension under development from this work tree', () => {
    const ext = extension();
    const onDisk = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, 'package.json'), 'utf8')) as Manifest;
    assert.strictEqual(ext.packageJSON.version, onDisk.version);
    assert.strictEqual(ext.extensionKind, vscode.ExtensionKind.Workspace);
    assert.ok(fs.existsSync(path.join(ext.extensionPath, onDisk.main)), `${onDisk.main} is missing: run node esbuild.mjs`);
  });

  it('loads the native @vscode/sqlite3 module in this Node', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sqlite3 = require('@vscode/sqlite3') as typeof import('@vscode/sqlite3');
    const db = new sqlite3.Database(':memory:');
    const row = await new Promise<{ answer: number; version: string }>((resolve, reject) =>
      db.get('select 40 + 2 as answer, sqlite_version() as version', (error: Error | null, result: { answer: number; version: string }) =>
        error ? reject(error) : resolve(result),
      ),
    );
    await new Promise<void>((resolve) => db.close(() => resolve()));
    assert.strictEqual(row.answer, 42);
    assert.match(row.version, /^3\./);
  });
});

describe('extension host: contributions', () => {
  before(async function () {
    await extension().activate();
  });

  it('activates', () => {
    assert.strictEqual(extension().isActive, true);
  });

  it('registers every contributed command', async () => {
    const contributed = (manifest().contributes?.commands ?? []).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepStrictEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('puts every contributed command in the Trilium category', () => {
    for (const command of manifest().contributes?.commands ?? []) {
      assert.strictEqual(command.category, 'Trilium', `${command.command} has category ${command.category}`);
    }
  });

  it('can reveal every contributed view', async () => {
    const views = Object.values(manifest().contributes?.views ?? {}).flat();
    for (const view of views) {
      await vscode.commands.executeCommand(`${view.id}.focus`);
    }
  });

  it('exposes every setting with the default the manifest declares', () => {
    const configuration = vscode.workspace.getConfiguration();
    for (const [key, schema] of Object.entries(configurationProperties())) {
      const inspected = configuration.inspect(key);
      assert.ok(inspected, `setting ${key} is unknown to VS Code`);
      assert.deepStrictEqual(inspected.defaultValue, schema.default, `default of ${key}`);
    }
  });

  it('contributes the Trilium view container, note tree and Test Sync / Sync Now commands (issue 2)', () => {
    const contributes = manifest().contributes ?? {};
    const containers = Object.values(contributes.viewsContainers ?? {}).flat();
    assert.ok(containers.some((c) => c.title === 'Trilium'), 'no "Trilium" view container');
    const views = Object.values(contributes.views ?? {}).flat();
    assert.ok(views.some((v) => v.id === 'trilium.noteTree'), 'no trilium.noteTree view');
    const commands = (contributes.commands ?? []).map((c) => c.command);
    assert.ok(commands.includes('trilium.testSync') && commands.includes('trilium.syncNow'));
  });
});
