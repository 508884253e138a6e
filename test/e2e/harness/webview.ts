/**
 * Reaching into webview panels: VS Code puts each panel in an `iframe.webview` whose page holds the
 * extension's HTML in a nested `#active-frame` iframe. These helpers find that inner frame by its content.
 */
import type { Frame, Page } from 'playwright-core';
import { poll } from './poll';

/** The content frames of every visible webview on the page. */
export async function webviewFrames(page: Page): Promise<Frame[]> {
  const frames: Frame[] = [];
  for (const outer of await page.$$('iframe.webview')) {
    if (!(await outer.isVisible())) continue;
    const host = await outer.contentFrame();
    const inner = host?.childFrames().find((f) => f.name() === 'active-frame') ?? host?.childFrames()[0];
    if (inner) frames.push(inner);
  }
  return frames;
}

/**
 * Body text of a frame, or '' while it is navigating. Bounded: evaluating in a webview frame that VS Code keeps but
 * no longer shows (a panel taken over by another run) can wait indefinitely for its page.
 */
export function frameText(frame: Frame, timeoutMs = 2_000): Promise<string> {
  return bounded(frame.evaluate("document.body ? document.body.innerText : ''").then(String, () => ''), '', timeoutMs);
}

/** `work`'s value, or `fallback` once `timeoutMs` has passed without one. */
function bounded<T>(work: Promise<T>, fallback: T, timeoutMs = 2_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Waits until every visible webview shows `bodyClass` (VS Code's `vscode-light`/`vscode-dark` on the page's body)
 * and has painted two animation frames since: the panels' charts rebuild when that class changes.
 */
export async function waitForWebviewsClass(page: Page, bodyClass: string, timeoutMs = 20_000): Promise<void> {
  const painted = `new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() =>
    done(document.body ? document.body.classList.contains(${JSON.stringify(bodyClass)}) : false))))`;
  let pending = 0;
  await poll(
    `every visible webview to show ${bodyClass}`,
    async () => {
      const frames = await webviewFrames(page);
      const states = await Promise.all(frames.map((f) => bounded(f.evaluate(painted).then(Boolean, () => false), false)));
      pending = states.filter((ok) => !ok).length;
      return pending === 0 ? true : undefined;
    },
    { timeoutMs, intervalMs: 200, saw: async () => `${pending} webview(s) without it` },
  );
}

/** Waits for a visible webview whose text matches `pattern` and returns its frame. */
export async function waitForWebview(page: Page, what: string, pattern: RegExp, timeoutMs = 60_000): Promise<Frame> {
  let seen: string[] = [];
  return poll(
    `${what} (a webview whose text matches ${pattern})`,
    async () => {
      seen = [];
      for (const frame of await webviewFrames(page)) {
        const text = await frameText(frame);
        seen.push(text.slice(0, 200).replace(/\s+/g, ' '));
        if (pattern.test(text)) return frame;
      }
      return undefined;
    },
    { timeoutMs, intervalMs: 500, saw: async () => (seen.length ? seen.map((s) => JSON.stringify(s)).join(' / ') : 'no visible webview') },
  );
}

/** Waits until the frame's text matches `pattern` and returns the text. */
export async function waitForFrameText(frame: Frame, what: string, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  let text = '';
  return poll(
    what,
    async () => {
      text = await frameText(frame);
      return pattern.test(text) ? text : undefined;
    },
    { timeoutMs, intervalMs: 500, saw: async () => JSON.stringify(text.slice(-300)) },
  );
}

/**
 * A fingerprint of every canvas in the frame (size and pixels): a chart that receives points repaints, so the
 * fingerprint changes. Empty when the frame has no canvas, or does not answer within 2 s.
 */
export function canvasFingerprints(frame: Frame): Promise<string[]> {
  const prints = frame.evaluate(`[...document.querySelectorAll('canvas')].map((c) => {
    const url = c.toDataURL();
    let hash = 0;
    for (let i = 0; i < url.length; i++) hash = (hash * 31 + url.charCodeAt(i)) | 0;
    return c.width + 'x' + c.height + ':' + hash;
  })`);
  return bounded(prints.then((p) => p as string[], () => []), []);
}

/** Number of images and canvases in the frame drawn at a non-zero size (feature maps, charts). */
export async function visibleImages(frame: Frame, selector = 'img, canvas'): Promise<number> {
  return (await frame.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && (e.tagName !== 'IMG' || e.naturalWidth > 0);
  }).length`)) as number;
}
