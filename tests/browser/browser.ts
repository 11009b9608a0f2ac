/**
 * Debian's Chromium driven by playwright-core (never `npx playwright install`), and a typed handle on the
 * host page (server.ts + host/) for the tests.
 *
 * - launchBrowser(): /usr/bin/chromium, headless, a fresh private --user-data-dir (a persistent context
 *   is playwright's only way to choose it), registered with the harness' reaper so a killed test run
 *   leaves no browser behind; close() is bounded and falls back to SIGKILL.
 * - openHost(): opens the host page (light or dark), waits for window.panopticonHost, collects console
 *   errors, page errors and failed page resources; every call that fails carries them in its message,
 *   and assertNoBrowserErrors() fails a test on them.
 * - screenshot(name) writes artifacts/screenshots/<name>.png.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';

import { killOwnedSync } from '../harness/cleanup';
import { registry } from '../harness/registry';
import { REPO_ROOT } from './buildHost';
import {
  HOST_PATHS,
  type CreateDatasourceOptions,
  type DatasourceSummary,
  type HostAlert,
  type HostQueryOptions,
  type HostQueryResult,
  type HostVariable,
  type PluginDescription,
  type RenderedPanel,
  type RenderPanelOptions,
  type RequestLogEntry,
  type ThemeMode,
} from './host/api';

export const CHROMIUM_BINARY = process.env.PANOPTICON_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'artifacts', 'screenshots');

/** Messages of resources that are known to be missing in the host and harmless. */
const EXPECTED_RESOURCE_FAILURES = [
  // Grafana serves its fonts (Inter, Roboto Mono) from public/fonts; no npm package ships them.
  /\/public\/fonts\//,
];

/** Rejects after `ms` with a message naming `what`; the timer never keeps the process alive. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export interface HostBrowser {
  readonly context: BrowserContext;
  readonly userDataDir: string;
  close(): Promise<void>;
}

export interface LaunchBrowserOptions {
  /** Deadline for the launch (default 30 s). */
  timeoutMs?: number;
  viewport?: { width: number; height: number };
}

export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<HostBrowser> {
  if (!fs.existsSync(CHROMIUM_BINARY)) {
    throw new Error(
      `${CHROMIUM_BINARY} not found: install Debian's chromium (bash scripts/install-services.sh); ` +
        'do not use `npx playwright install`'
    );
  }
  const { chromium } = await import('playwright-core');
  const userDataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'panopticon-chromium-'));
  // Every Chromium process carries the profile directory in its command line (or descends from one that does).
  const owned = { pgids: [], markers: [userDataDir] };
  const registration = registry.register(`chromium ${userDataDir}`, { markers: [userDataDir], dirs: [userDataDir] });
  const release = async () => {
    killOwnedSync(owned, 5000);
    await fs.promises.rm(userDataDir, { recursive: true, force: true });
    registration.release();
  };
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_BINARY,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: options.timeoutMs ?? 30_000,
      viewport: options.viewport ?? { width: 1280, height: 900 },
      // Debian's wrapper and Chromium's crash handler write below $HOME (~/.config/chromium/Crash Reports):
      // keep that in the private directory too, so the crashpad handlers (re-parented to init) carry the
      // marker in their command line and are cleaned up with the rest.
      env: {
        ...process.env,
        HOME: userDataDir,
        XDG_CONFIG_HOME: path.join(userDataDir, '.config'),
        XDG_CACHE_HOME: path.join(userDataDir, '.cache'),
      },
      // Our own clean-up (and the reaper) handle signals; Jest's process copy would not deliver them anyway.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    await release();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    context,
    userDataDir,
    close() {
      closed ??= withDeadline(context.close(), 10_000, 'closing Chromium')
        .catch(() => undefined)
        .then(release);
      return closed;
    },
  };
}

export interface BrowserProblem {
  kind: 'console' | 'pageerror' | 'requestfailed' | 'http';
  text: string;
}

export interface OpenHostOptions {
  serverUrl: string;
  theme?: ThemeMode;
  /** Reuse a browser (closed by its owner); by default openHost launches one and close() closes it. */
  browser?: HostBrowser;
  /** Deadline of each host call (default 60 s). */
  callTimeoutMs?: number;
}

/** The host page and typed wrappers around window.panopticonHost. */
export class HostPage {
  readonly problems: BrowserProblem[] = [];

  constructor(
    readonly page: Page,
    private readonly browser: HostBrowser,
    private readonly ownsBrowser: boolean,
    private readonly callTimeoutMs: number
  ) {}

  /** Runs `fn(arg)` in the page with a deadline; a failure carries the browser problems seen so far. */
  async call<A, R>(what: string, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    try {
      // Playwright's Unboxed<A> does not accept a generic A; the argument is plain JSON by contract.
      const evaluate = this.page.evaluate<R, unknown>(fn as (arg: unknown) => R | Promise<R>, arg);
      return await withDeadline(evaluate, this.callTimeoutMs, what);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${what} failed: ${message}${this.describeProblems()}`);
    }
  }

  describeProblems(): string {
    return this.problems.length === 0
      ? ''
      : `\nbrowser problems:\n${this.problems.map((p) => `  [${p.kind}] ${p.text}`).join('\n')}`;
  }

  /** Throws when the page logged errors, threw, or failed to load a resource. */
  assertNoBrowserErrors(): void {
    if (this.problems.length > 0) {
      throw new Error(`the host page reported problems:${this.describeProblems()}`);
    }
  }

  describePlugin(modulePath: string): Promise<PluginDescription> {
    return this.call(`loading ${modulePath}`, (p) => window.panopticonHost.describePlugin(p), modulePath);
  }

  createDatasource(options: CreateDatasourceOptions): Promise<DatasourceSummary> {
    return this.call(`creating datasource ${options.uid}`, (o) => window.panopticonHost.createDatasource(o), options);
  }

  query(uid: string, options: HostQueryOptions = {}): Promise<HostQueryResult> {
    return this.call(`query on ${uid}`, ({ u, o }) => window.panopticonHost.query(u, o), { u: uid, o: options });
  }

  startQuery(uid: string, options: HostQueryOptions = {}): Promise<number> {
    return this.call(`starting a query on ${uid}`, ({ u, o }) => window.panopticonHost.startQuery(u, o), {
      u: uid,
      o: options,
    });
  }

  waitQuery(handle: number): Promise<HostQueryResult> {
    return this.call(`waiting for query ${handle}`, (h) => window.panopticonHost.waitQuery(h), handle);
  }

  cancelQuery(handle: number): Promise<void> {
    return this.call(`cancelling query ${handle}`, (h) => window.panopticonHost.cancelQuery(h), handle);
  }

  setVariables(variables: HostVariable[]): Promise<void> {
    return this.call('setting variables', (v) => window.panopticonHost.setVariables(v), variables);
  }

  interpolate(target: string, format?: string): Promise<string> {
    return this.call(`interpolating ${target}`, ({ t, f }) => window.panopticonHost.interpolate(t, undefined, f), {
      t: target,
      f: format,
    });
  }

  requestLog(): Promise<RequestLogEntry[]> {
    return this.call('reading the request log', () => window.panopticonHost.requestLog, undefined);
  }

  clearRequestLog(): Promise<void> {
    return this.call('clearing the request log', () => window.panopticonHost.clearRequestLog(), undefined);
  }

  alerts(): Promise<HostAlert[]> {
    return this.call('reading alerts', () => window.panopticonHost.alerts, undefined);
  }

  hostErrors(): Promise<string[]> {
    return this.call('reading host errors', () => window.panopticonHost.errors, undefined);
  }

  async renderPanel(options: RenderPanelOptions = {}): Promise<RenderedPanel> {
    const rendered = await this.call(
      `rendering panel ${options.id ?? 1}`,
      (o) => window.panopticonHost.renderPanel(o),
      options
    );
    await this.page.locator(rendered.selector).waitFor({ state: 'visible', timeout: this.callTimeoutMs });
    return rendered;
  }

  /** Saves artifacts/screenshots/<name>.png (of `selector` if given, else the full page); returns the path. */
  async screenshot(name: string, selector?: string): Promise<string> {
    await fs.promises.mkdir(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    if (selector) {
      await this.page.locator(selector).screenshot({ path: file, timeout: this.callTimeoutMs });
    } else {
      await this.page.screenshot({ path: file, fullPage: true, timeout: this.callTimeoutMs });
    }
    return file;
  }

  /** Closes the page (and the browser if openHost launched it). */
  async close(): Promise<void> {
    await withDeadline(this.page.close(), 10_000, 'closing the host page').catch(() => undefined);
    if (this.ownsBrowser) {
      await this.browser.close();
    }
  }
}

function isExpectedFailure(url: string): boolean {
  return EXPECTED_RESOURCE_FAILURES.some((pattern) => pattern.test(url));
}

/** Opens the host page and waits until window.panopticonHost is ready. */
export async function openHost(options: OpenHostOptions): Promise<HostPage> {
  const browser = options.browser ?? (await launchBrowser());
  const ownsBrowser = !options.browser;
  let page: Page | undefined;
  try {
    page = await browser.context.newPage();
    const host = new HostPage(page, browser, ownsBrowser, options.callTimeoutMs ?? 60_000);
    page.setDefaultTimeout(30_000);
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') {
        return;
      }
      const url = message.location().url ?? '';
      // The browser logs every 4xx/5xx fetch; data-proxy failures are test scenarios, recorded in requestLog.
      if (isExpectedFailure(url) || url.includes(HOST_PATHS.dataProxy)) {
        return;
      }
      host.problems.push({ kind: 'console', text: `${message.text()}${url ? ` (${url})` : ''}` });
    });
    page.on('pageerror', (error) => host.problems.push({ kind: 'pageerror', text: error.stack ?? error.message }));
    page.on('requestfailed', (request) => {
      const failure = request.failure()?.errorText ?? '';
      // ERR_ABORTED: a request cancelled on purpose (requestId superseded, unsubscribed).
      if (failure.includes('ERR_ABORTED') || isExpectedFailure(request.url())) {
        return;
      }
      host.problems.push({ kind: 'requestfailed', text: `${request.method()} ${request.url()}: ${failure}` });
    });
    page.on('response', (response) => {
      const url = response.url();
      if (response.status() >= 400 && !url.includes(HOST_PATHS.dataProxy) && !isExpectedFailure(url)) {
        host.problems.push({ kind: 'http', text: `${response.status()} ${response.request().method()} ${url}` });
      }
    });
    const url = `${options.serverUrl}/?theme=${options.theme ?? 'light'}`;
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    await page
      .waitForFunction(() => window.panopticonHost?.ready === true, undefined, { timeout: 30_000 })
      .catch((error: unknown) => {
        throw new Error(`the host page did not become ready: ${String(error)}${host.describeProblems()}`);
      });
    return host;
  } catch (error) {
    await page?.close().catch(() => undefined);
    if (ownsBrowser) {
      await browser.close();
    }
    throw error;
  }
}
