/**
 * Properties of the SIP message syntax layer: serialize-then-parse is the identity (after
 * normalising header spelling and folding); the parser returns a value for any bytes; stream
 * framing does not depend on how the bytes were chunked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalHeaderName,
  parseMessage,
  serializeMessage,
  SipStreamFramer,
  type ParseResult,
  type SipMessage,
} from '../../simulator/engine/sip/index.js';
import { messageModel, render, spelling, type MessageModel } from './sip-message.arbitraries.js';

interface Normalised {
  startLine: string;
  headers: [string, string][];
  body: number[];
}

const normalise = (m: SipMessage): Normalised => ({
  startLine: m.startLine,
  headers: m.headers.fields.map((f) => [canonicalHeaderName(f.name), f.value]),
  body: [...m.body],
});

const expected = (model: MessageModel): Normalised => ({
  startLine: model.startLine,
  headers: model.headers.map(([n, v]) => [canonicalHeaderName(n), v]),
  body: [...model.body],
});

function mustParse(bytes: Uint8Array): SipMessage {
  const r = parseMessage(bytes);
  if (!r.ok) throw new Error(`did not parse: ${r.error.reason}\n${Buffer.from(bytes).toString()}`);
  return r.message;
}

/** Every typed view of a parsed message is readable (validation guarantees it). */
function readViews(m: SipMessage): void {
  void [m.via, m.from, m.to, m.callId, m.cseq, m.maxForwards, m.contentLength, m.contentType, m.contact, m.routes, m.recordRoutes];
}

describe('SIP syntax properties', () => {
  it('parse(render(m)) gives m back, whatever the spelling, folding and compact forms', () => {
    fc.assert(
      fc.property(messageModel, fc.array(spelling, { maxLength: 6 }), (model, spellings) => {
        const m = mustParse(render(model, spellings));
        expect(normalise(m)).toEqual(expected(model));
        readViews(m);
      }),
    );
  });

  it('serialize then parse is the identity on parsed messages, in long and compact form', () => {
    fc.assert(
      fc.property(messageModel, fc.array(spelling, { maxLength: 6 }), fc.constantFrom('as-is', 'canonical', 'compact'), (model, spellings, names) => {
        const first = mustParse(render(model, spellings));
        const second = mustParse(serializeMessage(first, { headerNames: names }));
        expect(normalise(second)).toEqual(normalise(first));
        expect(second.via).toEqual(first.via);
        expect(second.from).toEqual(first.from);
        expect(second.cseq).toEqual(first.cseq);
      }),
    );
  });

  it('returns a value (never throws, never an internal error) for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const r = parseMessage(bytes);
        if (!r.ok) expect(r.error.reason).not.toMatch(/^internal parser error/);
        else readViews(r.message);
      }),
      { numRuns: 1000 },
    );
  });

  it('returns a value for mutations of valid messages, and a parsed mutant has readable views', () => {
    const mutation = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('flip', 'insert', 'delete', 'truncate'),
      byte: fc.oneof(fc.constantFrom(...[0x22, 0x3c, 0x3e, 0x3b, 0x2c, 0x3a, 0x20, 0x0d, 0x0a, 0x5c, 0x40, 0x25, 0x00]), fc.integer({ min: 0, max: 255 })),
    });
    fc.assert(
      fc.property(messageModel, fc.array(spelling, { maxLength: 3 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (model, spellings, mutations) => {
        let bytes = [...render(model, spellings)];
        for (const m of mutations) {
          const i = m.at % Math.max(1, bytes.length);
          if (m.kind === 'flip') bytes[i] = m.byte;
          else if (m.kind === 'insert') bytes.splice(i, 0, m.byte);
          else if (m.kind === 'delete') bytes.splice(i, 1);
          else bytes = bytes.slice(0, i);
        }
        const r = parseMessage(new Uint8Array(bytes));
        if (!r.ok) expect(r.error.reason).not.toMatch(/^internal parser error/);
        else readViews(r.message);
      }),
      { numRuns: 1000 },
    );
  });

  it('frames a TCP stream into the same messages however it is chunked, with keep-alives between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(messageModel, fc.constantFrom('', '\r\n\r\n', '\r\n')), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat({ max: 4000 }), { maxLength: 12 }),
        (items, cuts) => {
          const parts = items.flatMap(([model, keepalive]) => [Buffer.from(keepalive, 'latin1'), Buffer.from(render(model, []))]);
          const stream = Buffer.concat(parts);
          // A cut right in the middle of a ping is the one split the framer cannot tell from two pongs.
          const pingMiddles = new Set<number>();
          parts.reduce((offset, part) => {
            if (part.toString('latin1') === '\r\n\r\n') pingMiddles.add(offset + 2);
            return offset + part.length;
          }, 0);
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].filter((p) => !pingMiddles.has(p)).sort((a, b) => a - b);
          const results: ParseResult[] = [];
          const keepalives: string[] = [];
          const framer = new SipStreamFramer();
          framer.on('message', (r) => results.push(r));
          framer.on('keepalive', (k) => keepalives.push(k));
          let prev = 0;
          for (const p of [...points, stream.length]) {
            framer.push(stream.subarray(prev, p));
            prev = p;
          }
          expect(framer.broken).toBe(false);
          expect(framer.pendingBytes).toBe(0);
          expect(results.map((r) => (r.ok ? normalise(r.message) : r.error.reason))).toEqual(items.map(([model]) => expected(model)));
          expect(keepalives).toEqual(items.flatMap(([, k]) => (k === '\r\n\r\n' ? ['ping'] : k === '\r\n' ? ['pong'] : [])));
        },
      ),
    );
  });
});

describe('parser robustness on pathological input (linear time, no crash)', () => {
  const head = 'INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@b>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n';
  it.each([
    ['50,000 parameters', `${head}Contact: <sip:c@d>${';p'.repeat(50_000)}\r\n\r\n`, true],
    ['an unterminated quote of 200 kB', `${head}Contact: "${'a'.repeat(200_000)}\r\n\r\n`, false],
    ['100,000 commas', `${head}Supported: ${','.repeat(100_000)}\r\n\r\n`, false],
    ['100,000 continuation lines', `${head}X-Long: a${'\r\n b'.repeat(100_000)}\r\n\r\n`, true],
    ['100,000 "<"', `${head}Route: ${'<'.repeat(100_000)}\r\n\r\n`, false],
  ])('%s', (_name, text, ok) => {
    expect(parseMessage(text).ok).toBe(ok);
  });
});
