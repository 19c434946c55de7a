// Debian chromium driven by playwright-core: one fresh profile per run, headless, no network beyond 127.0.0.1.
import { chromium } from 'playwright-core';
import { chromiumPath } from './codeServer.mjs';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches chromium with a persistent (fresh) profile in run.browserProfile. Returns the BrowserContext. */
export async function launchBrowser(run, { viewport = { width: 1280, height: 800 } } = {}) {
  return chromium.launchPersistentContext(run.browserProfile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    env: { ...process.env, TMPDIR: run.tmp },
  });
}

/**
 * Newer VS Code builds honour the `payload` development/test entries only with
 * developmentOptions.enableSmokeTestDriver, which code-server's CLI cannot set. This init script adds it to the
 * workbench configuration as the page reads it. VS Code 1.100.3 does not need it; it keeps newer builds working.
 */
export async function enableSmokeTestDriver(context) {
  await context.addInitScript(() => {
    const original = Element.prototype.getAttribute;
    Element.prototype.getAttribute = function (name) {
      const value = original.call(this, name);
      if (name === 'data-settings' && value && this.id === 'vscode-workbench-web-configuration') {
        try {
          const config = JSON.parse(value);
          config.developmentOptions = { ...(config.developmentOptions || {}), enableSmokeTestDriver: true };
          return JSON.stringify(config);
        } catch {
          return value;
        }
      }
      return value;
    };
  });
}
