// Helpers that drive the VS Code workbench in a playwright page the way a user would.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './codeServer.mjs';

export const RESULTS_DIR = path.join(ROOT, 'test-results');

export async function waitForWorkbench(page, timeout = 120_000) {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout });
}

/** F1, type the command's full title (e.g. "Trilium: Test Sync"), pick the exact row, Enter. */
export async function runCommand(page, title, timeout = 30_000) {
  await page.locator('.monaco-workbench').click({ position: { x: 600, y: 300 }, force: true }).catch(() => {});
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input[type="text"], .quick-input-widget .quick-input-box input').first();
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  try {
    await row.waitFor({ state: 'visible', timeout });
  } catch {
    const offered = await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts().catch(() => []);
    await page.keyboard.press('Escape');
    throw new Error(
      `"${title}" is not in the command palette (not contributed, or hidden by a "when" clause); it offered: ` +
        offered.map((text) => text.split('\n')[0]).join(' | '),
    );
  }
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout }).catch(() => {});
}

/** Waits for a notification toast containing `text` (string or RegExp); returns the toast's whole text. */
export async function waitForNotification(page, text, timeout = 30_000) {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout });
  return (await toast.innerText()).trim();
}

/** The status bar item whose text or accessible label contains `text`. */
export function statusBarItem(page, text) {
  return page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
}

/** Clicks the activity bar entry titled `title` (e.g. "Trilium") and waits for its side bar to show. */
export async function openViewContainer(page, title, timeout = 30_000) {
  const entry = page.locator(`.part.activitybar .action-item a[aria-label^="${title}"], .part.activitybar .action-item [aria-label^="${title}"]`).first();
  await entry.waitFor({ state: 'visible', timeout });
  const sidebarTitle = page.locator('.part.sidebar .composite.title', { hasText: title });
  if (!(await sidebarTitle.isVisible().catch(() => false))) await entry.click();
  await sidebarTitle.first().waitFor({ state: 'visible', timeout });
}

/** Writes test-results/NAME.png (after a short pause so toasts finish animating) and returns its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.waitForTimeout(800);
  await page.screenshot({ path: file });
  return file;
}
