/**
 * The web app's page: static HTML and CSS, one script (media/webapp/main.ts bundled with TensorFlow.js), no
 * remote content (the Content-Security-Policy allows this folder only), so it works offline from any static host.
 */

export function webAppHtml(title: string): string {
  const escaped = title.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'">
<title>${escaped}</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<main>
  <h1 id="title">${escaped}</h1>
  <label id="drop">
    <input id="file" type="file" accept="image/png,image/jpeg,image/webp,image/gif,image/bmp">
    <span>Drop a picture here, or click to choose one</span>
  </label>
  <p id="status">Loading the model…</p>
  <div id="result">
    <canvas id="preview" title="What the model sees"></canvas>
    <ol id="results"></ol>
  </div>
  <footer>Runs entirely in this page with TensorFlow.js; exported by CNN Lab.</footer>
</main>
<script src="app.js"></script>
</body>
</html>
`;
}

export const WEB_APP_CSS = `body { font: 15px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1e2a3a; }
main { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
#drop { display: block; border: 2px dashed #8a97a8; border-radius: 8px; padding: 2.5rem 1rem; text-align: center; cursor: pointer; background: #fff; }
#drop.over { border-color: #2f6fdb; background: #eef4ff; }
#file { display: none; }
#result { display: flex; gap: 1.5rem; align-items: flex-start; margin-top: 1rem; }
#preview { width: 112px; image-rendering: pixelated; border: 1px solid #ccd; }
#preview[width="0"], #preview:not([width]) { display: none; }
#results { flex: 1; margin: 0; padding-left: 1.2rem; }
#results li { position: relative; margin: 0.3rem 0; padding: 0.2rem 0.4rem; }
#results .bar { position: absolute; inset: 0 auto 0 0; background: #d6e4ff; border-radius: 3px; z-index: 0; }
#results .label { position: relative; z-index: 1; }
footer { margin-top: 2rem; color: #6a7686; font-size: 13px; }
`;
