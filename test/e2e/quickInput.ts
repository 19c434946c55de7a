// Answers a VS Code input box (showInputBox) in the workbench page.
import type { Page } from 'playwright-core';

/**
 * Waits for the input box whose title, prompt or placeholder matches `prompt`, types `value` and presses Enter.
 * The command palette that ran the command may still show (its row names the command, which can match `prompt`)
 * until the input box replaces it: an input still holding the palette's ">query" is not the input box.
 */
export async function fillInputBox(page: Page, prompt: RegExp, value: string, timeoutMs = 30_000): Promise<void> {
  const widget = page.locator('.quick-input-widget', { hasText: prompt });
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  const until = Date.now() + timeoutMs;
  while (!((await widget.isVisible()) && !(await input.inputValue().catch(() => '>')).startsWith('>'))) {
    if (Date.now() > until) {
      const shown = await page.locator('.quick-input-widget').innerText().catch(() => '');
      throw new Error(`no input box matching ${prompt} within ${timeoutMs} ms; the quick input shows: ${shown.replace(/\s+/g, ' ').trim() || 'nothing'}`);
    }
    await page.waitForTimeout(100);
  }
  await input.fill(value);
  await input.press('Enter');
}
