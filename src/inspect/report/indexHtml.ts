/** index.html of `cnnlab inspect`: every written picture with its caption, grouped by view, in one static page. */
import type { InspectionIndex } from './writeInspection';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function inspectionHtml(index: InspectionIndex, model: string): string {
  const groups = new Map<string, InspectionIndex['files']>();
  for (const f of index.files) groups.set(f.view ?? 'input', [...(groups.get(f.view ?? 'input') ?? []), f]);
  const sections = [...groups].map(([view, files]) => `<section><h2>${escape(view)}</h2>\n${files
    .map((f) => `<figure><img src="${escape(f.file)}" alt="${escape(f.file)}"><figcaption>${escape(f.what)}</figcaption></figure>`)
    .join('\n')}</section>`);
  const skipped = index.skipped.map((s) => `<li>${escape(s.view)}: ${escape(s.reason)}</li>`).join('');
  const predictions = index.predictions.map((p) => `${escape(p.className)} ${(100 * p.probability).toFixed(1)}%`).join(' · ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(model)}: ${escape(index.image)}</title>
<style>body{font-family:sans-serif;margin:1.5em;background:#fafafa;color:#222}section{margin-bottom:2em}figure{display:inline-block;vertical-align:top;margin:0 1em 1em 0;max-width:520px}img{image-rendering:pixelated;max-width:100%;border:1px solid #ccc}figcaption{font-size:.85em;color:#555}</style>
</head><body>
<h1>${escape(model)}</h1>
<p>${escape(index.runDir)} · ${escape(index.checkpoint)}/ weights · image ${escape(index.image)}</p>
<p>Predictions: ${predictions || '—'}. Class-dependent views show the ${escape(index.target)}.</p>
${index.notices.map((n) => `<p>${escape(n)}</p>`).join('\n')}
${skipped ? `<p>Not drawn:</p><ul>${skipped}</ul>` : ''}
${sections.join('\n')}
</body></html>
`;
}
