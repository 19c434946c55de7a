// Answers a VS Code input box (showInputBox) in the workbench page.
import type { Page } from 'playwright-core';

interface QuickInputState { text: string; value: string; listShown: boolean }

/** What the quick-input widget shows now, or null when it is hidden. */
function quickInputState(page: Page): Promise<QuickInputState | null> {
  // a string, so that this file needs no DOM typings: it runs in the page
  return page.evaluate(`(() => {
    const widget = document.querySelector('.quick-input-widget');
    if (!widget || getComputedStyle(widget).display === 'none') return null;
    const input = widget.querySelector('.quick-input-box input');
    const list = widget.querySelector('.quick-input-list');
    const listShown = !!list && getComputedStyle(list).display !== 'none' && list.querySelector('.monaco-list-row') !== null;
    return { text: widget.innerText, value: input ? input.value : '', listShown };
  })()`) as Promise<QuickInputState | null>;
}

/**
 * Waits for the input box whose title, prompt or placeholder matches `prompt`, types `value` and presses Enter.
 * The command palette that ran the command may still show until the input box replaces it, and its row names the
 * command, which can match `prompt`: a widget that lists rows, or whose input still holds the palette's ">query",
 * is not the input box.
 */
export async function fillInputBox(page: Page, prompt: RegExp, value: string, timeoutMs = 30_000): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  const until = Date.now() + timeoutMs;
  for (;;) {
    const state = await quickInputState(page);
    if (state && prompt.test(state.text) && !state.value.startsWith('>') && !state.listShown) break;
    if (Date.now() > until) {
      throw new Error(`no input box matching ${prompt} within ${timeoutMs} ms; the quick input shows: ${state ? state.text.replace(/\s+/g, ' ').trim() : 'nothing'}`);
    }
    await page.waitForTimeout(100);
  }
  await input.fill(value);
  // Enter while the extension host has not yet validated the new value (validateInput of the empty box said no) is
  // ignored by VS Code, and the box stays open: press it again until the box takes the value (it closes, or shows
  // something else: the next prompt, or a list of results).
  for (;;) {
    await input.press('Enter');
    const pressed = Date.now();
    while (Date.now() - pressed < 1500) {
      const state = await quickInputState(page);
      if (!state || state.value !== value || state.listShown) return;
      await page.waitForTimeout(100);
    }
    console.log(`      the input box matching ${prompt} still holds ${JSON.stringify(value)} after Enter: pressing Enter again`);
    if (Date.now() > until) throw new Error(`the input box matching ${prompt} did not take ${JSON.stringify(value)} within ${timeoutMs} ms`);
  }
}
