// The contract between scripts/run-e2e.mjs and the end-to-end tests in test/e2e/*.e2e.ts.
// A test file's default export is an array of E2ETest. Each test runs against its own fresh code-server (with the
// packaged .vsix installed) and its own chromium page.
import type { Page } from 'playwright-core';

export interface DemoSyncServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  password: string;
  dataDir: string;
  stop(): void;
}

export interface PrepareContext {
  /** A fresh directory for this test (code-server's user data, workspace, …). */
  runDir: string;
  /** Starts `node dist/server.js --data DIR --port 0 --password PW [--sample-notes]`; stopped after the test. */
  startSyncServer(options?: { password?: string; sampleNotes?: boolean; extraArgs?: string[] }): Promise<DemoSyncServer>;
}

export interface Prepared {
  /** User settings for this test's VS Code (merged over the harness defaults). */
  settings?: Record<string, unknown>;
  /** Environment variables for code-server and so for the extension host. */
  env?: Record<string, string>;
}

export interface E2EContext {
  page: Page;
  /** code-server's base URL, http://127.0.0.1:PORT */
  baseUrl: string;
  runDir: string;
  workspaceDir: string;
  /** F1 → type the full title ("Trilium: Test Sync") → Enter. */
  runCommand(title: string): Promise<void>;
  /** Waits for a notification toast containing `text`; returns its text. */
  waitForNotification(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Waits for the status bar item containing `text`; returns its text. */
  waitForStatusBarItem(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Clicks the activity bar entry (e.g. "Trilium") and waits for its side bar. */
  openViewContainer(title: string): Promise<void>;
  /** Writes test-results/<name>.png (newest VS Code) or <name>-vscode-<version>.png (others); returns the path. */
  screenshot(name: string): Promise<string>;
  /** The VS Code this run is in (scripts/lib/vscode-targets.json) and the package installed into it. */
  vscode: { id: string; vscode: string; codeServer: string; label: string; package: 'universal' | 'linux-x64' };
  /** Replaces this run's user settings (defaults + `settings`); VS Code picks the change up live. */
  setSettings(settings: Record<string, unknown>): void;
  /** What prepare() returned, plus any sync server it started. */
  prepared: Prepared & { syncServers: DemoSyncServer[] };
  log(message: string): void;
  /** code-server's user data directory (global storage, logs). */
  userDataDir: string;
  /** Opens another VS Code window (a second page, its own extension host) on `folder` (default: the workspace). */
  openWindow(folder?: string): Promise<E2EWindow>;
}

/** A further VS Code window of the same code-server, with the same helpers as the first. */
export interface E2EWindow {
  page: Page;
  runCommand(title: string): Promise<void>;
  waitForNotification(text: string | RegExp, timeoutMs?: number): Promise<string>;
  waitForStatusBarItem(text: string | RegExp, timeoutMs?: number): Promise<string>;
  openViewContainer(title: string): Promise<void>;
  screenshot(name: string): Promise<string>;
}

export interface E2ETest {
  name: string;
  /** Runs before code-server starts: start servers, choose settings and environment. */
  prepare?(context: PrepareContext): Promise<Prepared | void>;
  run(context: E2EContext): Promise<void>;
  /** Default 180 s. */
  timeoutMs?: number;
}
