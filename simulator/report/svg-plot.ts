/**
 * A line chart as an inline SVG 1.1 element (W3C SVG 1.1, "Basic Shapes") for the report pages,
 * which open offline and so draw their plots themselves (ARCHITECTURE.md, "Tests, benchmarks,
 * CI"): a title, a legend, both axes with ticks, grid lines and labels, and per series a
 * `<polyline>` for each run of points with a value (a gap where a point has none; a lone point is
 * a dot), filled down to the x axis for an area series. The element is an image named by its
 * title for assistive technology (WAI-ARIA `role="img"`, `aria-label`) and carries `data-plot`,
 * each series `data-series`; coordinates are rounded to a tenth of a pixel, so the same data gives
 * the same bytes.
 */
import type { Axis, AxisTick } from './plot-axis.js';
import { xmlAttr, xmlText } from './xml-text.js';

export interface PlotPoint {
  readonly x: number;
  /** Undefined: no value here; the line breaks. */
  readonly y: number | undefined;
}

export interface PlotSeries {
  readonly name: string;
  /** A CSS colour. */
  readonly colour: string;
  /** `area`: filled under its line; `dashed`: a dashed line. Default `line`. */
  readonly style?: 'line' | 'area' | 'dashed';
  readonly points: readonly PlotPoint[];
}

export interface LinePlot {
  /** The `data-plot` attribute, for whoever looks for this plot in the page. */
  readonly id: string;
  readonly title: string;
  readonly x: Axis;
  readonly y: Axis;
  readonly series: readonly PlotSeries[];
}

const WIDTH = 880;
const HEIGHT = 290;
const LEFT = 70;
const RIGHT = WIDTH - 20;
const TOP = 52;
const BOTTOM = HEIGHT - 46;
const CHAR_WIDTH = 7;
const STYLE = [
  'text{font-family:system-ui,sans-serif;font-size:12px;fill:#333}',
  '.plot-title{font-size:14px;font-weight:bold}',
  '.grid{stroke:#e4e4e4}',
  '.axis{stroke:#555}',
  '.series polyline{fill:none;stroke-width:2;stroke-linejoin:round}',
  '.series.dashed polyline{stroke-dasharray:6 4}',
  '.series polygon{stroke:none;fill-opacity:.18}',
].join('\n');

const coord = (n: number): string => (Math.round(n * 10) / 10).toString();

/** Each maximal run of consecutive points that have a value, in order. */
function runs(points: readonly PlotPoint[]): { x: number; y: number }[][] {
  const out: { x: number; y: number }[][] = [];
  let current: { x: number; y: number }[] = [];
  for (const p of points) {
    if (p.y === undefined || !Number.isFinite(p.y)) {
      if (current.length > 0) out.push(current);
      current = [];
    } else current.push({ x: p.x, y: p.y });
  }
  if (current.length > 0) out.push(current);
  return out;
}

function legend(series: readonly PlotSeries[]): string {
  let x = LEFT;
  const items = series.map((s) => {
    const item = `<g class="legend-item"><rect x="${x}" y="27" width="14" height="10" fill="${xmlAttr(s.colour)}"/><text x="${x + 19}" y="36">${xmlText(s.name)}</text></g>`;
    x += 19 + s.name.length * CHAR_WIDTH + 18;
    return item;
  });
  return `<g class="legend">${items.join('')}</g>`;
}

/** An axis's ticks as a group of `<g class="tick" data-value>`, each drawn by `mark`. */
function ticks(name: 'x-ticks' | 'y-ticks', axis: Axis, mark: (tick: AxisTick) => string): string {
  return [`<g class="${name}">`, ...axis.ticks.map((t) => `<g class="tick" data-value="${t.value}">${mark(t)}</g>`), '</g>'].join('\n');
}

export function svgLinePlot(plot: LinePlot): string {
  const px = (x: number): string => coord(LEFT + (x / plot.x.max) * (RIGHT - LEFT));
  const py = (y: number): string => coord(BOTTOM - (y / plot.y.max) * (BOTTOM - TOP));
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="plot" data-plot="${xmlAttr(plot.id)}" role="img" aria-label="${xmlAttr(plot.title)}" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">`,
    `<title>${xmlText(plot.title)}</title>`,
    `<style>\n${STYLE}\n</style>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text class="plot-title" x="${LEFT}" y="17">${xmlText(plot.title)}</text>`,
    legend(plot.series),
    ticks('y-ticks', plot.y, (t) => {
      const y = py(t.value);
      return `<line class="grid" x1="${LEFT}" y1="${y}" x2="${RIGHT}" y2="${y}"/><text x="${LEFT - 6}" y="${coord(Number(y) + 4)}" text-anchor="end">${xmlText(t.label)}</text>`;
    }),
    ticks('x-ticks', plot.x, (t) => {
      const x = px(t.value);
      return `<line class="axis" x1="${x}" y1="${BOTTOM}" x2="${x}" y2="${BOTTOM + 5}"/><text x="${x}" y="${BOTTOM + 18}" text-anchor="middle">${xmlText(t.label)}</text>`;
    }),
    `<line class="axis" x1="${LEFT}" y1="${BOTTOM}" x2="${RIGHT}" y2="${BOTTOM}"/>`,
    `<line class="axis" x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${BOTTOM}"/>`,
    `<text class="axis-label" x="${coord((LEFT + RIGHT) / 2)}" y="${HEIGHT - 8}" text-anchor="middle">${xmlText(plot.x.label)}</text>`,
    `<text class="axis-label" x="16" y="${coord((TOP + BOTTOM) / 2)}" text-anchor="middle" transform="rotate(-90 16 ${coord((TOP + BOTTOM) / 2)})">${xmlText(plot.y.label)}</text>`,
  ];
  for (const s of plot.series) {
    const colour = xmlAttr(s.colour);
    const style = s.style ?? 'line';
    const parts = [`<title>${xmlText(s.name)}</title>`];
    for (const run of runs(s.points)) {
      const points = run.map((p) => `${px(p.x)},${py(p.y)}`).join(' ');
      if (style === 'area') parts.push(`<polygon points="${px(run[0]!.x)},${BOTTOM} ${points} ${px(run[run.length - 1]!.x)},${BOTTOM}" fill="${colour}"/>`);
      parts.push(run.length === 1 ? `<circle cx="${px(run[0]!.x)}" cy="${py(run[0]!.y)}" r="2.5" fill="${colour}"/>` : `<polyline points="${points}" stroke="${colour}"/>`);
    }
    out.push(`<g class="series ${style}" data-series="${xmlAttr(s.name)}">${parts.join('')}</g>`);
  }
  out.push('</svg>');
  return out.join('\n');
}
