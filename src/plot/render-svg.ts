/**
 * Renders a Vega-Lite specification to SVG in Node: vega-lite compiles it to a Vega spec, a
 * headless vega View (renderer 'none') draws it with `toSVG()`. Both libraries are ES modules
 * loaded here only, by `bmeter plot` (they are kept out of the CLI bundle).
 */
import type { VegaLiteSpec } from './vega-spec.js';

/** The SVG document text of the chart. Vega's own warnings are not printed (errors still throw). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * PNG bytes of an SVG document, rasterised by resvg (@resvg/resvg-js: prebuilt binary from the
 * registry, no build tools). `scale` multiplies the SVG's pixel size (2 for sharp text).
 */
export async function renderPng(svg: string, scale = 2): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
