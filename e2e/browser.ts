import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (or CHROMIUM_PATH); undefined when none is installed. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  return candidates.find((p) => fs.existsSync(p));
}

const path = chromiumPath();
if (!path) {
  console.warn('\n!!!!! BROWSER TESTS SKIPPED: no Chromium found (set CHROMIUM_PATH or apt-get install chromium) !!!!!\n');
}
export const hasBrowser = path !== undefined;

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: path,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
