/**
 * The call-flow ladders of the run report: the text ladder (columns in participant order, arrows
 * pointing from sender to receiver, retransmissions marked, scenario times) and the SVG (well-formed,
 * escaped, one arrow with a hover title per message, coloured by class, same bytes every time).
 */
import { describe, expect, it } from 'vitest';
import { formatScenarioTime, hasSdpBody, svgLadder, textLadder } from '../../simulator/report/index.js';
import type { SipTraceEntry } from '../../simulator/scenario/result.js';
import { failedBusyCall, passedCall, PBX, SCANNER } from '../support/scenario-results.js';
import { elements, parseXml, type XmlElement } from '../support/xml-check.js';

/** The text ladder's lines, the positions of its lifelines, and its message rows. */
function textRows(text: string): { header: string[]; lifelines: number[]; rows: string[] } {
  const lines = text.trimEnd().split('\n');
  const lifelines = [...lines[2]!.matchAll(/\|/g)].map((m) => m.index);
  return { header: lines.slice(0, 3), lifelines, rows: lines.slice(3) };
}

function rowAt(rows: string[], time: string, label: string): string {
  const row = rows.find((r) => r.startsWith(time) && r.includes(label));
  if (!row) throw new Error(`no row at ${time} with ${label}:\n${rows.join('\n')}`);
  return row;
}

const between = (row: string, from: number, to: number): string => row.slice(from + 1, to);

describe('text ladder', () => {
  it('has one column per participant, in the order given, with its address', () => {
    const { header, lifelines } = textRows(textLadder(passedCall()));
    const [names, addresses] = header as [string, string];
    expect(names.trim().split(/\s+/)).toEqual(['alice', 'pbx', 'bob']);
    expect(addresses.trim().split(/\s+/)).toEqual(['10.0.0.1', `${PBX}:5060`, '10.0.0.2']);
    expect(lifelines).toHaveLength(3);
    // Each name sits over its lifeline.
    for (const [i, name] of ['alice', 'pbx', 'bob'].entries()) {
      const at = names.indexOf(name);
      expect(at).toBeLessThanOrEqual(lifelines[i]!);
      expect(at + name.length).toBeGreaterThan(lifelines[i]!);
    }
  });

  it('draws one row per message with its scenario time as HH:MM:SS.mmm', () => {
    const result = passedCall();
    const { rows } = textRows(textLadder(result));
    expect(rows.map((r) => r.slice(0, 12))).toEqual(result.trace.map((e) => formatScenarioTime(e.at)));
    expect(rows[4]!.startsWith('00:00:01.000')).toBe(true);
    expect(formatScenarioTime(3_723_004)).toBe('01:02:03.004');
    expect(formatScenarioTime(100 * 3_600_000)).toBe('100:00:00.000');
  });

  it('points an arrow from bob to the pbx leftwards, and from the pbx to bob rightwards', () => {
    const { lifelines, rows } = textRows(textLadder(passedCall()));
    const [alice, pbx, bob] = lifelines as [number, number, number];
    const ringing = rowAt(rows, '00:00:01.250', '180 Ringing');
    expect(between(ringing, pbx, bob)).toMatch(/^<-+ 180 Ringing -+$/);
    expect(between(ringing, alice, pbx).trim()).toBe('');
    const invite = rowAt(rows, '00:00:01.012', 'INVITE');
    expect(between(invite, pbx, bob)).toMatch(/^-+ INVITE \(SDP\) -+>$/);
    const register = rowAt(rows, '00:00:00.000', 'REGISTER');
    expect(between(register, alice, pbx)).toMatch(/^-+ REGISTER -+>$/);
    expect(register.slice(bob)).toBe('|');
  });

  it('labels requests by method and responses by status and reason, with (SDP) when they carry SDP', () => {
    const text = textLadder(passedCall());
    for (const label of ['INVITE (SDP)', '100 Trying', '180 Ringing', '200 OK (SDP)', 'ACK', 'BYE', '401 Unauthorized']) expect(text).toContain(label);
    const { rows } = textRows(text);
    expect(rowAt(rows, '00:00:00.037', '200 OK')).not.toContain('SDP');
    expect(rowAt(rows, '00:00:08.022', '200 OK')).not.toContain('SDP');
  });

  it('marks the retransmitted 200 OK, and only it, past the last lifeline', () => {
    const { lifelines, rows } = textRows(textLadder(passedCall()));
    const marked = rows.filter((r) => r.includes('[retransmission]'));
    expect(marked).toHaveLength(1);
    expect(marked[0]!.startsWith('00:00:03.500')).toBe(true);
    expect(marked[0]!.indexOf('[retransmission]')).toBeGreaterThan(lifelines[2]!);
  });

  it('gives an address no participant has a column of its own named by its IP, after the participants', () => {
    const { header, lifelines, rows } = textRows(textLadder(failedBusyCall()));
    expect(header[0]!.trim().split(/\s+/)).toEqual(['alice', 'pbx', 'bob', SCANNER]);
    const [, pbx, bob, scanner] = lifelines as [number, number, number, number];
    const options = rowAt(rows, '00:00:00.500', 'OPTIONS');
    // The arrow crosses bob's lifeline.
    expect(between(options, pbx, scanner)).toMatch(/^<-+ OPTIONS -+$/);
    expect(options[bob]).not.toBe('|');
  });

  it('tells participants on one host apart by port', () => {
    const trace: SipTraceEntry[] = [
      { ...passedCall().trace[4]!, src: { address: '127.0.0.1', port: 5070 }, dst: { address: '127.0.0.1', port: 5080 } },
    ];
    const participants = [
      { name: 'pbx', kind: 'pbx' as const, addresses: ['127.0.0.1:5080'] },
      { name: 'alice', kind: 'phone' as const, addresses: ['127.0.0.1:5070'] },
    ];
    const { lifelines, rows } = textRows(textLadder({ participants, trace }));
    expect(between(rows[0]!, lifelines[0]!, lifelines[1]!)).toMatch(/^<-+ INVITE \(SDP\) -+$/);
  });

  it('truncates labels longer than the gap, keeping every lifeline in place', () => {
    const result = failedBusyCall();
    const { lifelines, rows } = textRows(textLadder(result, { columnWidth: 12 }));
    const busy = rowAt(rows, '00:00:01.030', '486');
    expect(between(busy, lifelines[1]!, lifelines[2]!)).toMatch(/^<- 486 B\S*… -$/);
    for (const row of rows.filter((r) => !r.includes('OPTIONS') && !r.includes('500'))) {
      for (const x of lifelines.slice(0, 3)) expect(row[x], row).toBe('|');
    }
  });

  it('says so when there are no messages', () => {
    expect(textLadder({ participants: passedCall().participants, trace: [] })).toContain('(no SIP messages)');
  });

  it('recognises SDP by Content-Type or its compact form, and only with a body', () => {
    expect(hasSdpBody('INVITE sip:a@b SIP/2.0\r\nc: application/sdp;charset=utf-8\r\n\r\nv=0\r\n')).toBe(true);
    expect(hasSdpBody('INVITE sip:a@b SIP/2.0\r\nContent-Type: Application/SDP\r\n\r\nv=0\r\n')).toBe(true);
    expect(hasSdpBody('SIP/2.0 200 OK\r\nContent-Type: application/sdp\r\nContent-Length: 0\r\n\r\n')).toBe(false);
    expect(hasSdpBody('MESSAGE sip:a@b SIP/2.0\r\nContent-Type: text/plain\r\n\r\nv=0\r\n')).toBe(false);
  });
});

function svgOf(text: string): XmlElement {
  const { problems, root } = parseXml(text);
  expect(problems).toEqual([]);
  return root!;
}

const messages = (svg: XmlElement): XmlElement[] => elements(svg, 'g').filter((g) => g.attributes.class?.split(' ').includes('msg'));

describe('SVG ladder', () => {
  it('is well-formed SVG with a lifeline per participant and an arrow per message', () => {
    const result = passedCall();
    const svg = svgOf(svgLadder(result));
    expect(svg.name).toBe('svg');
    expect(svg.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(elements(svg, 'line').filter((l) => l.attributes.class === 'life')).toHaveLength(3);
    expect(messages(svg)).toHaveLength(result.trace.length);
  });

  it('gives each arrow a hover title with the time and the first lines of the message', () => {
    const result = passedCall();
    messages(svgOf(svgLadder(result))).forEach((g, i) => {
      const title = g.children[0]!;
      expect(title.name).toBe('title');
      const e = result.trace[i]!;
      expect(title.text.startsWith(formatScenarioTime(e.at))).toBe(true);
      expect(title.text.split('\n')[1]).toBe(e.firstLine);
      expect(title.text).toContain(`Call-ID: ${e.callId}`);
    });
  });

  it('draws an arrow from the sender lifeline to the receiver lifeline, with an arrowhead', () => {
    const svg = svgOf(svgLadder(passedCall()));
    const lifeX = elements(svg, 'line')
      .filter((l) => l.attributes.class === 'life')
      .map((l) => Number(l.attributes.x1));
    const markers = new Set(elements(svg, 'marker').map((m) => m.attributes.id));
    const ringing = messages(svg).find((g) => g.children.some((c) => c.attributes.class === 'label' && c.text === '180 Ringing'))!;
    const arrow = elements(ringing, 'line')[0]!;
    expect([Number(arrow.attributes.x1), Number(arrow.attributes.x2)]).toEqual([lifeX[2], lifeX[1]]);
    expect(markers.has(/^url\(#(.+)\)$/.exec(arrow.attributes['marker-end']!)![1]!)).toBe(true);
  });

  it('colours requests, responses and error responses apart, and dashes retransmissions', () => {
    const result = failedBusyCall();
    const classes = messages(svgOf(svgLadder(result))).map((g) => g.attributes.class);
    expect(classes[result.trace.findIndex((e) => e.method === 'INVITE')]).toBe('msg request');
    expect(classes[result.trace.findIndex((e) => e.status === 100)]).toBe('msg response');
    expect(classes[result.trace.findIndex((e) => e.status === 486)]).toBe('msg error');
    const passed = messages(svgOf(svgLadder(passedCall())));
    expect(passed.filter((g) => g.attributes.class!.includes('retransmission'))).toHaveLength(1);
    expect(svgLadder(passedCall())).toMatch(/\.retransmission line[^{]*\{[^}]*stroke-dasharray/);
  });

  it('escapes < and & in labels and titles, and drops characters XML forbids', () => {
    const result = failedBusyCall();
    const nasty: SipTraceEntry = { ...result.trace[1]!, text: `${result.trace[1]!.text}X-Bad: \u0000\u0007\ud800<&>` };
    const text = svgLadder({ participants: result.participants, trace: [...result.trace, nasty] });
    expect(text).toContain('500 Server &lt;Internal&gt; &amp; Error');
    expect(text).not.toMatch(/[\u0000\u0007\ud800]/);
    const labels = elements(svgOf(text), 'text').filter((t) => t.attributes.class === 'label');
    expect(labels.map((l) => l.text)).toContain('500 Server <Internal> & Error');
  });

  it('gives the same bytes for the same result', () => {
    expect(svgLadder(passedCall())).toBe(svgLadder(passedCall()));
    expect(textLadder(passedCall())).toBe(textLadder(passedCall()));
  });
});
