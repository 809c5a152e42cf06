/**
 * The load page in a real browser (issue 17, "Reports"): the bundled short-calls load scenario,
 * cut to 40 calls, runs in virtual time, its run report is written (reports/load-page-chromium/),
 * and Debian's headless Chromium opens `scenarios/<slug>/load.html` from the disk, with no network
 * needed:
 *
 * - the DOM Chromium built (`--dump-dom`) holds every plot's svg, titled, with the same polylines,
 *   areas and dots the page wrote, so the HTML parser took them as SVG and nothing was dropped;
 * - its screenshot (`--screenshot`) is not blank, and shows the lines of the calls-per-second
 *   and concurrent-calls plots and the concurrent calls' filled area in their colours.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeRunReport } from '../../simulator/report/index.js';
import { parseScenario, runScenario } from '../../simulator/scenario/index.js';
import { readPng, type PngImage } from '../support/png-image.js';
import { REPO, requirePeer, run, scratchDir } from './peers.js';

const REPORT = join(REPO, 'reports/load-page-chromium');
const PLOTS = ['calls-per-second', 'concurrent-calls', 'setup-time', 'post-dial-delay', 'failures'];
const WINDOW = { width: 1000, height: 3000 };

/** The bundled example, 40 of its calls. */
const SCENARIO_FILE = join(REPO, 'scenarios/load/short-calls.yaml');
const CALLS = 40;

/** What each plot's svg holds, by `data-plot`: its title and the shapes of its series, in order. */
function plotShapes(html: string): Map<string, { title: string; shapes: string[] }> {
  const out = new Map<string, { title: string; shapes: string[] }>();
  for (const svg of html.matchAll(/<svg\b[^>]*\bdata-plot="([^"]+)"[^>]*>([\s\S]*?)<\/svg>/g)) {
    const body = svg[2]!;
    const shapes = [...body.matchAll(/<(polyline|polygon) points="([^"]*)"|<(circle) cx="([^"]*)" cy="([^"]*)"/g)].map((m) => (m[1] !== undefined ? `${m[1]} ${m[2]}` : `circle ${m[4]},${m[5]}`));
    out.set(svg[1]!, { title: /<title>([^<]*)<\/title>/.exec(body)?.[1] ?? '', shapes });
  }
  return out;
}

function chromium(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const profile = scratchDir('chromium');
  return run('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${profile}`, ...args], { timeoutMs: 90_000 }).finally(() => rmSync(profile, { recursive: true, force: true }));
}

/** Pixels within `tolerance` of `rgb` on every channel. */
function pixelsLike(image: PngImage, rgb: readonly [number, number, number], tolerance: number): number {
  let n = 0;
  for (let i = 0; i < image.rgba.length; i += 4) {
    if (Math.abs(image.rgba[i]! - rgb[0]) <= tolerance && Math.abs(image.rgba[i + 1]! - rgb[1]) <= tolerance && Math.abs(image.rgba[i + 2]! - rgb[2]) <= tolerance) n++;
  }
  return n;
}

describe('the load page in headless Chromium', () => {
  it('renders every plot: the DOM holds their svg shapes and the screenshot shows their lines', async () => {
    requirePeer('chromium', 'chromium');
    const text = readFileSync(SCENARIO_FILE, 'utf8').replace(/^ {2}calls: \d+$/m, `  calls: ${CALLS}`);
    const result = await runScenario(parseScenario(text, SCENARIO_FILE));
    expect(result.outcome, result.message).toBe('passed');
    expect(result.load!.summary.calls.answered).toBe(CALLS);
    expect(result.load!.series.length).toBeGreaterThan(5);
    rmSync(REPORT, { recursive: true, force: true });
    const page = writeRunReport(REPORT, [result]).find((p) => p.endsWith('load.html'))!;
    const url = pathToFileURL(page).href;
    const written = plotShapes(readFileSync(page, 'utf8'));
    expect([...written.keys()]).toEqual(PLOTS);

    const dom = await chromium(['--dump-dom', url]);
    expect(dom.code, dom.stderr).toBe(0);
    const rendered = plotShapes(dom.stdout);
    expect([...rendered.keys()]).toEqual(PLOTS);
    for (const id of PLOTS) {
      expect(rendered.get(id), id).toEqual(written.get(id));
      expect(rendered.get(id)!.title, id).not.toBe('');
    }
    // A polyline per series of the rate plot (no call failed, so "failed" is one line at 0) and the concurrent calls' line and area.
    expect(rendered.get('calls-per-second')!.shapes.filter((s) => s.startsWith('polyline ')).length).toBe(3);
    const points = rendered.get('calls-per-second')!.shapes[0]!.split(' ').length - 1;
    expect(points).toBe(result.load!.series.length);
    expect(rendered.get('concurrent-calls')!.shapes.map((s) => s.split(' ')[0])).toEqual(['polygon', 'polyline']);

    const png = join(REPORT, 'load-page.png');
    const shot = await chromium([`--window-size=${WINDOW.width},${WINDOW.height}`, `--screenshot=${png}`, url]);
    expect(shot.code, shot.stderr).toBe(0);
    const image = readPng(readFileSync(png));
    expect([image.width, image.height]).toEqual([WINDOW.width, WINDOW.height]);
    const total = image.width * image.height;
    const white = pixelsLike(image, [255, 255, 255], 8);
    expect(total - white, 'non-white pixels').toBeGreaterThan(total / 50);
    // The lines in blue (#1f5fbf: started calls, p50s) and purple (#6a1b9a: concurrent calls), and the concurrent area (18% of
    // #6a1b9a on white); the legends' swatches alone come to about 560 blue and 140 purple pixels.
    expect(pixelsLike(image, [0x1f, 0x5f, 0xbf], 40), 'blue lines').toBeGreaterThan(1500);
    expect(pixelsLike(image, [0x6a, 0x1b, 0x9a], 40), 'concurrent-calls purple').toBeGreaterThan(800);
    expect(pixelsLike(image, [228, 214, 237], 6), 'concurrent-calls area').toBeGreaterThan(5000);
  });
});
