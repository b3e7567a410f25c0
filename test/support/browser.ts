/**
 * Browser-test support: Debian's Chromium driven by playwright-core, the client built once per test run with
 * Vite into a temp folder and served by the real app (startTestServer with CLIENT_DIR).
 * A missing browser skips the browser tests, unless REQUIRE_BROWSER=1 (CI), where it fails them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type StartOptions, type TestServer } from './server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOT_DIR = path.join(ROOT, 'test-artifacts/screenshots');
const CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string | null {
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

/** Call first in a `before` hook: skips the suite without a browser, or fails when the run requires one. */
export function requireBrowserOrSkip(ctx: Mocha.Context): string {
  const exe = chromiumPath();
  if (exe) return exe;
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but no Chromium at ${CANDIDATES.join(', ')} (apt-get install -y chromium)`);
  ctx.skip();
  throw new Error('unreachable');
}

let built: Promise<string> | null = null;

/** Builds the client once per process (all browser test files share it) into a temp folder; returns it. */
export function buildClient(): Promise<string> {
  built ??= (async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-client-'));
    const { build } = await import('vite');
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
    process.once('exit', () => fs.rmSync(outDir, { recursive: true, force: true }));
    return outDir;
  })();
  return built;
}

export async function startBrowserServer(opts: StartOptions = {}): Promise<TestServer> {
  const clientDir = await buildClient();
  return startTestServer({ ...opts, env: { CLIENT_DIR: clientDir, ...opts.env } });
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Messages the page logged as errors and uncaught exceptions: tests assert there are none. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openBrowser(executablePath: string, viewport = { width: 1366, height: 768 }): Promise<BrowserSession> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shn-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    // Refused requests (401 before login, 412, 400) are logged by Chromium as resource errors: expected, not bugs.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the login form and waits for the page the app lands on. */
export async function loginThroughForm(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/#/login`);
  await page.getByLabel(/Tên đăng nhập|Username/).fill(username);
  await page.getByLabel(/^(Mật khẩu|Password)$/).fill(password);
  await page.locator('form button[type=submit]').click();
  await page.waitForFunction(() => !location.hash.startsWith('#/login'));
}

export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // Park the pointer in a corner so no hover highlight or tooltip is left over from an earlier click.
  await page.mouse.move(1, 1);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
  return file;
}

const AXE_SOURCE = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core (from npm) in the page and returns the serious and critical violations (WCAG 2.x A/AA rules).
 * Injected through evaluate, which the page's Content-Security-Policy does not apply to.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })) }));
}

/** Fails with the list of serious/critical axe violations of the page in its current state. */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  const found = await axeViolations(page);
  if (found.length) throw new Error(`axe: ${found.length} serious/critical violation(s) on ${state}:\n${JSON.stringify(found, null, 1)}`);
}

/** Whether the page scrolls sideways (a phone layout must not). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
