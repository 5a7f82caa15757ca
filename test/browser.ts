/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium (or CHROMIUM_PATH) driven by playwright-core.
 * .ci/run installs it and sets KIEMTRA_REQUIRE_BROWSER=1, so CI never skips; elsewhere a missing Chromium skips the
 * test with a warning.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `describe` when Chromium is there, `describe.skip` (with a warning naming `what`) when it is not. */
export function describeInBrowser(what: string): jest.Describe {
  const available = fs.existsSync(CHROMIUM);
  if (!available && process.env.KIEMTRA_REQUIRE_BROWSER) throw new Error(`Chromium is required but missing at ${CHROMIUM}`);
  if (!available) console.warn(`${what} browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  return available ? describe : describe.skip;
}

/** Chromium headless, with nothing that would call out of the machine on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
