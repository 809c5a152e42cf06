/**
 * A call-flow ladder in plain text, in the manner of sngrep's call flow view: one lifeline per
 * participant, one row per SIP message with its scenario time and an arrow from sender to
 * receiver labelled with the method or status (`INVITE (SDP)`, `180 Ringing`). A retransmission
 * is marked after the last lifeline, where no label truncation reaches it.
 *
 *                 alice                  pbx
 *                10.0.0.1           10.0.0.10:5060
 *                   |                     |
 *   00:00:01.000    |--- INVITE (SDP) --->|
 *   00:00:01.010    |<--- 100 Trying -----|
 */
import { ladderLayout, type LadderInput } from './ladder-columns.js';
import { formatScenarioTime } from './scenario-time.js';
import { messageLabel } from './trace-message.js';
import { truncate } from './truncate.js';

export interface TextLadderOptions {
  /** Characters from one lifeline to the next; default 22, at least 12. */
  columnWidth?: number;
}

export const RETRANSMISSION_MARK = '[retransmission]';

const TIME_WIDTH = '00:00:00.000'.length;
const INDENT = TIME_WIDTH + 4;

export function textLadder(input: LadderInput, options: TextLadderOptions = {}): string {
  const gap = Math.max(12, Math.floor(options.columnWidth ?? 22));
  const { columns, rows } = ladderLayout(input);
  const x = (i: number): number => INDENT + i * gap;
  const width = x(Math.max(0, columns.length - 1)) + 1;
  const blank = (): string[] => {
    const line = Array.from({ length: width }, () => ' ');
    columns.forEach((_c, i) => (line[x(i)] = '|'));
    return line;
  };
  const centred = (texts: string[]): string => {
    const line = Array.from({ length: width + gap }, () => ' ');
    texts.forEach((t, i) => {
      const s = truncate(t, gap - 2);
      const start = x(i) - Math.floor((s.length - 1) / 2);
      for (let k = 0; k < s.length; k++) line[start + k] = s[k]!;
    });
    return line.join('').trimEnd();
  };

  const out: string[] = [];
  if (columns.length > 0) {
    out.push(centred(columns.map((c) => c.name)), centred(columns.map((c) => c.address)), blank().join('').trimEnd());
  }
  for (const { entry, from, to } of rows) {
    const line = blank();
    const label = messageLabel(entry);
    if (from === to) {
      const text = `<-> ${truncate(label, gap - 6)}`;
      for (let k = 0; k < text.length; k++) line[x(from) + 1 + k] = text[k]!;
    } else {
      const lo = Math.min(from, to);
      const length = x(Math.max(from, to)) - x(lo) - 1;
      const body = Array.from({ length }, () => '-');
      if (to > from) body[length - 1] = '>';
      else body[0] = '<';
      // A dash between the label's spaces and either end: `|<- 180 Ringing -|`, `|- ACK ->|`.
      const shown = truncate(label, length - 5);
      const first = to > from ? 2 : 3;
      const last = (to > from ? length - 3 : length - 2) - shown.length;
      const start = Math.min(Math.max(Math.floor((length - shown.length) / 2), first), last);
      body[start - 1] = ' ';
      body[start + shown.length] = ' ';
      for (let k = 0; k < shown.length; k++) body[start + k] = shown[k]!;
      body.forEach((c, k) => (line[x(lo) + 1 + k] = c));
    }
    const time = formatScenarioTime(entry.at);
    for (let k = 0; k < time.length; k++) line[k] = time[k]!;
    const text = line.join('').trimEnd();
    out.push(entry.retransmission ? `${text}  ${RETRANSMISSION_MARK}` : text);
  }
  if (rows.length === 0) out.push('(no SIP messages)');
  return `${out.join('\n')}\n`;
}
