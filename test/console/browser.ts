import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots of the last run (git-ignored); docs/console.md's images are copied from here. */
export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

// Headless on a machine whose only network is loopback: nothing in the background may dial out.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  /** Errors the pages reported (uncaught exceptions, CSP violations, failed loads). */
  errors: string[];
  /** Takes the reported errors matching `pattern` out of `errors`, failing when there is none. */
  expectError(pattern: RegExp): void;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile, at 1280×800. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The console tests drive a real Chromium, and there is none at ${CHROMIUM_PATH}. ` +
        'Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.',
    );
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'Asia/Jakarta',
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
  };
  context.on('page', watch);
  return {
    context,
    errors,
    expectError: (pattern) => {
      const before = errors.length;
      errors.splice(0, errors.length, ...errors.filter((error) => !pattern.test(error)));
      if (errors.length === before) throw new Error(`no error reported matches ${pattern}`);
    },
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** What the agent sees at 1280×800 (a full-page capture leaves the PDF viewer's frame blank). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name) });
}
