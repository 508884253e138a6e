/**
 * `--format web-app`: a folder with one static page that classifies a dropped picture in the browser, offline: the
 * TensorFlow.js model (model/), CNN Lab's preprocessing and tfjs bundled into app.js (built from
 * media/webapp/main.ts, no CDN), index.html and style.css. Serve it from any static host.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExportError, type ExportFormat } from '../format';
import { writeTfjsModel } from '../tfjs/format';
import { WEB_APP_CSS, webAppHtml } from './page';

export const webAppFormat: ExportFormat = {
  name: 'web-app',
  summary: 'a static page that gives the top-k classes of a dropped picture, in the browser and offline (TensorFlow.js)',
  out: 'folder',
  async write(source, out) {
    if (source.analysis.task !== 'classification') throw new ExportError(`--format web-app shows the top-k classes of a picture; a ${source.analysis.task} model has no classes (use --format tfjs or onnx)`);
    if (source.analysis.input.length !== 3) throw new ExportError(`--format web-app needs an image input [C, H, W]; this model's input is [${source.analysis.input}]`);
    const script = webAppScript();
    mkdirSync(out, { recursive: true });
    const model = writeTfjsModel(source, join(out, 'model'));
    const files = [join(out, 'index.html'), join(out, 'style.css'), join(out, 'app.js')];
    writeFileSync(files[0], webAppHtml(source.analysis.name));
    writeFileSync(files[1], WEB_APP_CSS);
    copyFileSync(script, files[2]);
    return { files: [...files, ...model.files], open: files[0], notes: [`serve the folder from any static host and open index.html, e.g. python3 -m http.server -d ${out}`] };
  },
};

/** app.js as scripts/build.mjs bundles it: next to the running bundle (dist/), or in dist/ when run from sources. */
function webAppScript(): string {
  const candidates = [join(__dirname, 'webviews', 'webapp.js'), join(__dirname, '..', '..', '..', 'dist', 'webviews', 'webapp.js')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new ExportError(`the web app's script was not found (looked in ${candidates.join(', ')}); build CNN Lab first (npm run build)`);
  return found;
}
