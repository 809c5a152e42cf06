/**
 * fast-check generators of valid SIP messages, and of the many ways the same message can be
 * written on the wire (header name case and compact forms, whitespace around the colon, line
 * folding), for the parser properties.
 */
import fc from 'fast-check';
import { canonicalHeaderName, compactHeaderName } from '../../simulator/engine/sip/index.js';

const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const tokenChars = `${alnum}-.!%*_+\`'~`;
const str = (chars: string, min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...chars), minLength: min, maxLength: max });

export const token = str(tokenChars, 1, 12);
const host = fc.oneof(
  fc.tuple(str(alnum, 1, 10), fc.constantFrom('.example.com', '.test', '')).map(([a, b]) => a + b),
  fc.ipV4(),
  fc.ipV6().map((a) => `[${a}]`),
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const userPart = str(`${alnum}-_.!~*'()&=+$,;?/`, 1, 10);
const uriParam = fc.tuple(str(`${alnum}-_.`, 1, 8), fc.option(str(`${alnum}-_.`, 1, 8), { nil: null }));

export const sipUriText = fc
  .record({ scheme: fc.constantFrom('sip', 'sips'), user: fc.option(userPart, { nil: undefined }), host, port, params: fc.array(uriParam, { maxLength: 3 }) })
  .map(
    (u) =>
      `${u.scheme}:${u.user === undefined ? '' : `${u.user}@`}${u.host}${u.port === undefined ? '' : `:${u.port}`}${u.params
        .map(([n, v]) => (v === null ? `;${n}` : `;${n}=${v}`))
        .join('')}`,
  );

/** Display names: a run of tokens, or a quoted string with escapes and UTF-8. */
const displayName = fc.oneof(
  fc.array(token, { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')),
  fc
    .string({ unit: fc.oneof(fc.constantFrom(...`${alnum} ,;:<>@`), fc.constantFrom('"', '\\', 'é', '日')), maxLength: 16 })
    .map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`),
);
const headerParams = fc.array(fc.tuple(token, fc.option(token, { nil: null })), { maxLength: 2 }).map((ps) => ps.map(([n, v]) => (v === null ? `;${n}` : `;${n}=${v}`)).join(''));

const nameAddr = fc.tuple(fc.option(displayName, { nil: undefined }), sipUriText, headerParams).map(([d, u, p]) => `${d === undefined ? '' : `${d} `}<${u}>${p}`);
const via = fc
  .tuple(fc.constantFrom('UDP', 'TCP', 'TLS', 'SCTP'), host, port, token)
  .map(([t, h, p, b]) => `SIP/2.0/${t} ${h}${p === undefined ? '' : `:${p}`};branch=z9hG4bK${b}`);
const callId = fc.tuple(str(`${alnum}-.!%*_+\`'~()<>:\\"/[]?{}`, 1, 20), fc.option(str(alnum, 1, 10), { nil: undefined })).map(([a, b]) => (b === undefined ? a : `${a}@${b}`));
const extensionValue = fc.array(str(`${alnum}-_.:;=/,<>@"`, 1, 10), { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));

export interface MessageModel {
  startLine: string;
  headers: [string, string][];
  body: Uint8Array;
}

const methods = fc.oneof(fc.constantFrom('INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'MESSAGE', 'REFER', 'SUBSCRIBE', 'NOTIFY', 'INFO', 'UPDATE', 'PRACK'), token.map((t) => t.toUpperCase()));

export const messageModel: fc.Arbitrary<MessageModel> = fc
  .record({
    request: fc.boolean(),
    method: methods,
    uri: sipUriText,
    status: fc.integer({ min: 100, max: 699 }),
    reason: fc.array(token, { maxLength: 3 }).map((w) => w.join(' ')),
    vias: fc.array(via, { minLength: 1, maxLength: 3 }),
    from: nameAddr,
    to: nameAddr,
    callId,
    seq: fc.integer({ min: 0, max: 0xffffffff }),
    maxForwards: fc.integer({ min: 0, max: 255 }),
    contacts: fc.array(nameAddr, { maxLength: 2 }),
    extensions: fc.array(fc.tuple(token.filter((t) => t.length > 1).map((t) => `X-${t}`), extensionValue), { maxLength: 3 }),
    body: fc.uint8Array({ maxLength: 64 }),
  })
  .map((m) => {
    const headers: [string, string][] = [
      ...m.vias.map((v): [string, string] => ['Via', v]),
      ['Max-Forwards', String(m.maxForwards)],
      ['From', m.from],
      ['To', m.to],
      ['Call-ID', m.callId],
      ['CSeq', `${m.seq} ${m.method}`],
      ...(m.contacts.length > 0 ? [['Contact', m.contacts.join(', ')] as [string, string]] : []),
      ...m.extensions,
      ['Content-Length', String(m.body.byteLength)],
    ];
    return {
      startLine: m.request ? `${m.method} ${m.uri} SIP/2.0` : `SIP/2.0 ${m.status} ${m.reason}`,
      headers,
      body: m.body,
    };
  });

export interface Spelling {
  nameForm: 'canonical' | 'lower' | 'upper' | 'compact';
  spaceBeforeColon: string;
  spaceAfterColon: string;
  /** Fold at these single-space positions (indices into the value's single spaces). */
  folds: number[];
  foldIndent: string;
}

export const spelling: fc.Arbitrary<Spelling> = fc.record({
  nameForm: fc.constantFrom('canonical', 'lower', 'upper', 'compact'),
  spaceBeforeColon: fc.constantFrom('', ' ', '\t '),
  spaceAfterColon: fc.constantFrom('', ' ', '   ', '\r\n '),
  folds: fc.array(fc.nat({ max: 8 }), { maxLength: 3 }),
  foldIndent: fc.constantFrom(' ', '\t', '  \t'),
});

/** Writes a model with the given spellings (one per header, cycled). */
export function render(model: MessageModel, spellings: Spelling[]): Uint8Array {
  const lines = [model.startLine];
  model.headers.forEach(([name, value], i) => {
    const s = spellings[i % Math.max(1, spellings.length)] ?? spellings[0];
    let n = name;
    let v = value;
    if (s !== undefined) {
      n = { canonical: canonicalHeaderName(name), lower: name.toLowerCase(), upper: name.toUpperCase(), compact: compactHeaderName(name) }[s.nameForm];
      // Fold only at a single space between two non-space characters: unfolding gives it back.
      const spaces = [...v.matchAll(/(?<=\S) (?=\S)/g)].map((m) => m.index);
      const at = new Set(s.folds.map((k) => spaces[k]).filter((x): x is number => x !== undefined));
      v = [...v].map((c, j) => (at.has(j) ? `\r\n${s.foldIndent}` : c)).join('');
      n = `${n}${s.spaceBeforeColon}`;
      v = `${s.spaceAfterColon}${v}`;
    }
    lines.push(`${n}:${v}`);
  });
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return new Uint8Array(Buffer.concat([head, model.body]));
}
