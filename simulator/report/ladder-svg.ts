/**
 * The call-flow ladder as an SVG 1.1 image: a lifeline per participant, an arrow per SIP message
 * with its label and scenario time, requests in blue, responses in green, error responses (400 and
 * above) in red, retransmissions dashed. Each arrow's `<title>` holds the message's first lines,
 * which viewers show on hover. Integer coordinates only, so the same input gives the same bytes.
 */
import { formatEndpoint } from '../engine/net/endpoint.js';
import { ladderLayout, type LadderInput } from './ladder-columns.js';
import { formatScenarioTime } from './scenario-time.js';
import { messageClass, messageHead, messageLabel, type MessageClass } from './trace-message.js';
import { truncate } from './truncate.js';
import { xmlAttr, xmlText } from './xml-text.js';

export interface SvgLadderOptions {
  /** Pixels from one lifeline to the next; default 200, at least 120. */
  columnWidth?: number;
  /** Lines of each message in its hover title; default 14. */
  titleLines?: number;
}

const FIRST_LIFELINE = 150;
const HEADER = 64;
const ROW = 28;
const CHAR_WIDTH = 7.3;
const COLOURS: Record<MessageClass, string> = { request: '#1f5fbf', response: '#2e7d32', error: '#c62828' };
const RETRANSMISSION_ROOM = 130;

const STYLE = [
  'text{font-family:monospace;font-size:12px;fill:#222}',
  '.name{font-weight:bold;font-size:13px}',
  '.addr,.time{fill:#666}',
  '.life{stroke:#bbb;stroke-dasharray:4 4}',
  ...Object.entries(COLOURS).map(([c, colour]) => `.${c} line,.${c} path{stroke:${colour};stroke-width:1.5;fill:none} .${c} .label{fill:${colour}}`),
  '.retransmission line,.retransmission path{stroke-dasharray:6 3}',
  '.mark{font-style:italic;fill:#a15c00}',
].join('\n');

export function svgLadder(input: LadderInput, options: SvgLadderOptions = {}): string {
  const gap = Math.max(120, Math.floor(options.columnWidth ?? 200));
  const titleLines = Math.max(1, Math.floor(options.titleLines ?? 14));
  const { columns, rows } = ladderLayout(input);
  const x = (i: number): number => FIRST_LIFELINE + i * gap;
  const width = x(Math.max(0, columns.length - 1)) + RETRANSMISSION_ROOM;
  const height = HEADER + Math.max(1, rows.length) * ROW + 16;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<style>\n${STYLE}\n</style>`,
    '<defs>',
    ...Object.entries(COLOURS).map(
      ([c, colour]) =>
        `<marker id="head-${c}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0L10,5L0,10z" fill="${colour}"/></marker>`,
    ),
    '</defs>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ];
  columns.forEach((c, i) => {
    out.push(
      `<g class="participant"><text class="name" x="${x(i)}" y="20" text-anchor="middle">${xmlText(truncate(c.name, Math.floor(gap / 8)))}</text>` +
        `<text class="addr" x="${x(i)}" y="36" text-anchor="middle">${xmlText(truncate(c.address, Math.floor(gap / CHAR_WIDTH)))}</text>` +
        `<line class="life" x1="${x(i)}" y1="${HEADER - 20}" x2="${x(i)}" y2="${height - 8}"/></g>`,
    );
  });
  rows.forEach(({ entry, from, to }, r) => {
    const y = HEADER + r * ROW + 10;
    const cls = messageClass(entry);
    const label = messageLabel(entry);
    const time = formatScenarioTime(entry.at);
    const title = [`${time} ${formatEndpoint(entry.src)} → ${formatEndpoint(entry.dst)} (${entry.transport})`, ...messageHead(entry.text, titleLines)];
    const parts = [`<title>${xmlText(title.join('\n'))}</title>`, `<text class="time" x="8" y="${y + 4}">${time}</text>`];
    if (from === to) {
      parts.push(
        `<path d="M${x(from)},${y - 6}h28v12h-28" marker-end="url(#head-${cls})"/>`,
        `<text class="label" x="${x(from) + 34}" y="${y + 4}">${xmlText(truncate(label, Math.floor((gap - 40) / CHAR_WIDTH)))}</text>`,
      );
    } else {
      const room = Math.abs(x(to) - x(from)) - 16;
      parts.push(
        `<line x1="${x(from)}" y1="${y}" x2="${x(to)}" y2="${y}" marker-end="url(#head-${cls})"/>`,
        `<text class="label" x="${Math.floor((x(from) + x(to)) / 2)}" y="${y - 5}" text-anchor="middle">${xmlText(truncate(label, Math.floor(room / CHAR_WIDTH)))}</text>`,
      );
    }
    if (entry.retransmission) parts.push(`<text class="mark" x="${x(columns.length - 1) + 12}" y="${y + 4}">retransmission</text>`);
    out.push(`<g class="${xmlAttr(entry.retransmission ? `msg ${cls} retransmission` : `msg ${cls}`)}">${parts.join('')}</g>`);
  });
  if (rows.length === 0) out.push(`<text x="8" y="${HEADER + 14}">(no SIP messages)</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
