/**
 * The HTML shell of every webview: a strict Content Security Policy (no inline code, scripts only with this
 * load's nonce, images from the extension or data:/blob: URLs, no remote content) and the bundle to run.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  title: string;
  /** Webview URIs (as strings) of the scripts to load, in order. */
  scripts: string[];
  /** Webview URIs of the stylesheets. */
  styles: string[];
}

/** A fresh nonce per HTML load (128 random bits). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The CSP of our webviews (see STYLE.md §8). */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The page: CSP meta first, stylesheets, an empty `#root` for the bundle to fill, then the scripts. */
export function webviewHtml(o: WebviewHtmlOptions): string {
  const styles = o.styles.map((href) => `  <link rel="stylesheet" href="${escapeAttr(href)}">`).join('\n');
  const scripts = o.scripts.map((src) => `  <script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(src)}"></script>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>${escapeText(o.title)}</title>
${styles}
</head>
<body>
  <main id="root"></main>
${scripts}
</body>
</html>`;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
