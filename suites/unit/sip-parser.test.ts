import { describe, expect, it } from 'vitest';
import {
  Headers,
  parseMessage,
  parseUri,
  serializeMessage,
  exactBytes,
  rawBytes,
  SipRequest,
  SipResponse,
  parseMultipart,
  formatMultipart,
  splitHeaderList,
  canonicalHeaderName,
  sipUri,
  formatNameAddr,
  parseAddressHeader,
  type SipMessage,
} from '../../simulator/engine/sip/index.js';

const crlf = (lines: string[]): string => lines.join('\r\n');

function parsed(text: string): SipMessage {
  const r = parseMessage(text);
  if (!r.ok) throw new Error(`expected to parse: ${r.error.reason}`);
  return r.message;
}

const INVITE = crlf([
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: "Alice \\"A\\" Liddell" <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.example.com>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\n',
]);

describe('SIP message parser', () => {
  it('reads the start line, headers, typed views and body of a request', () => {
    const m = parsed(INVITE);
    expect(m.kind).toBe('request');
    if (m.kind !== 'request') return;
    expect(m.method).toBe('INVITE');
    expect(m.uri).toMatchObject({ kind: 'sip', scheme: 'sip', user: 'bob', host: 'biloxi.example.com' });
    expect(m.via[0]).toMatchObject({ protocol: 'SIP/2.0', transport: 'UDP', host: 'pc33.atlanta.example.com' });
    expect(m.via[0]!.params.get('branch')).toBe('z9hG4bK776asdhds');
    expect(m.via[0]!.params.get('rport')).toBeNull();
    expect(m.from?.displayName).toBe('Alice "A" Liddell');
    expect(m.from?.params.get('tag')).toBe('1928301774');
    expect(m.to?.displayName).toBe('Bob');
    expect(m.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    expect(m.maxForwards).toBe(70);
    expect(m.contentType).toMatchObject({ type: 'application', subtype: 'sdp' });
    expect(m.bodyText()).toBe('v=0\n');
    expect(Buffer.from(exactBytes(m)).toString()).toBe(INVITE);
  });

  it('unfolds continuation lines, expands compact names and ignores header name case', () => {
    const m = parsed(
      crlf([
        'OPTIONS sip:carol@chicago.example.com SIP/2.0',
        'v: SIP/2.0/TCP a.example.com;branch=z9hG4bK1,',
        '\t SIP/2.0/UDP b.example.com:5070;branch=z9hG4bK2;received=192.0.2.9',
        'f: <sip:alice@atlanta.example.com>;tag=1',
        'T: sip:carol@chicago.example.com',
        'i: 1@a',
        'cSeQ: 1',
        '  OPTIONS',
        'l: 0',
        '',
        '',
      ]),
    );
    expect(m.via.map((v) => [v.transport, v.host, v.port])).toEqual([
      ['TCP', 'a.example.com', undefined],
      ['UDP', 'b.example.com', 5070],
    ]);
    expect(m.via[1]!.params.get('received')).toBe('192.0.2.9');
    expect(m.headers.get('Call-ID')).toBe('1@a');
    expect(m.headers.get('CSEQ')).toBe('1 OPTIONS');
    expect(m.callId).toBe('1@a');
    expect(m.headers.get('content-length')).toBe('0');
  });

  it('combines repeated list headers and splits commas only outside quotes and brackets', () => {
    const m = parsed(
      crlf([
        'REGISTER sip:registrar.example.com SIP/2.0',
        'Via: SIP/2.0/UDP h;branch=z9hG4bKx',
        'To: <sip:u@example.com>',
        'From: <sip:u@example.com>;tag=a',
        'Call-ID: r1',
        'CSeq: 2 REGISTER',
        'Contact: "Desk, 1st floor" <sip:u@10.0.0.1>;expires=60, <sip:u@10.0.0.2;transport=tcp>',
        'Contact: sip:u@10.0.0.3;q=0.5',
        'Supported: path, outbound',
        'Supported: gruu',
        'Content-Length: 0',
        '',
        '',
      ]),
    );
    const contacts = m.contact;
    if (contacts === '*') throw new Error('not a wildcard');
    expect(contacts.map((c) => c.uri.text)).toEqual(['sip:u@10.0.0.1', 'sip:u@10.0.0.2;transport=tcp', 'sip:u@10.0.0.3']);
    expect(contacts[0]!.displayName).toBe('Desk, 1st floor');
    expect(contacts[0]!.params.get('expires')).toBe('60');
    expect(contacts[2]!.params.get('q')).toBe('0.5');
    expect(m.headers.values('supported')).toEqual(['path', 'outbound', 'gruu']);
    expect(splitHeaderList('a, "b,c" <sip:x>, <sip:y;p=1,2>')).toEqual(['a', '"b,c" <sip:x>', '<sip:y;p=1,2>']);
  });

  it('parses a response, with an empty reason phrase allowed', () => {
    const m = parsed(
      crlf(['SIP/2.0 180 ', 'Via: SIP/2.0/UDP h;branch=z9hG4bKx', 'To: <sip:b@x>;tag=9', 'From: <sip:a@x>;tag=1', 'Call-ID: c', 'CSeq: 1 INVITE', 'Content-Length: 0', '', '']),
    );
    expect(m).toBeInstanceOf(SipResponse);
    if (m.kind !== 'response') return;
    expect([m.status, m.reason]).toEqual([180, '']);
  });

  it('answers bad requests with 400 or 505 and drops bad responses, keeping what it could read', () => {
    const bad = parseMessage(
      crlf(['INVITE sip:b@x SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bKx', 'To: <sip:b@x>', 'From: <sip:a@x>;tag=1', 'Call-ID: c', 'CSeq: 1 INVITE', 'Max-Forwards: 256', '', '']),
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error).toMatchObject({ kind: 'request', status: 400, method: 'INVITE' });
    expect(bad.error.reason).toMatch(/Max-Forwards: 256 is larger than 255/);
    // Enough is kept to build the 400 (RFC 3261 8.2.6: copy Via, From, To, Call-ID, CSeq).
    expect(bad.error.headers?.get('call-id')).toBe('c');

    const version = parseMessage('INVITE sip:b@x SIP/3.0\r\n\r\n');
    expect(!version.ok && version.error.status).toBe(505);
    const response = parseMessage('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n\r\n');
    expect(response.ok).toBe(false);
    expect(!response.ok && response.error.kind === 'response' && response.error.status).toBe(undefined);
    const empty = parseMessage('\r\n\r\n');
    expect(empty.ok).toBe(false);
  });

  it('accepts an empty Supported or Allow (baresip sends "Supported:") but not an empty Require', () => {
    const head = ['OPTIONS sip:b@x SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bKx', 'To: <sip:b@x>', 'From: <sip:a@x>;tag=1', 'Call-ID: c', 'CSeq: 1 OPTIONS'];
    for (const empty of ['Supported:', 'k: ', 'Allow:']) expect(parseMessage(crlf([...head, empty, '', ''])).ok).toBe(true);
    const require = parseMessage(crlf([...head, 'Require:', '', '']));
    expect(!require.ok && require.error.status).toBe(400);
  });

  it('refuses a stray CR or LF inside a header line, so that copying a header cannot inject another', () => {
    const base = 'OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nTo: <sip:b@x>\r\nFrom: <sip:a@x>;tag=1\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n';
    const injected = parseMessage(`${base}Subject: hi\nEvil: yes\r\n\r\n`);
    expect(!injected.ok && injected.error.reason).toMatch(/stray CR or LF/);
    // A file written with bare LF line ends throughout is read as such.
    expect(parseMessage(`${base}Subject: hi\r\n\r\n`.replace(/\r\n/g, '\n')).ok).toBe(true);
  });

  it('discards datagram bytes past Content-Length and refuses a Content-Length larger than the datagram', () => {
    const base = ['MESSAGE sip:b@x SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bKx', 'To: <sip:b@x>', 'From: <sip:a@x>;tag=1', 'Call-ID: c', 'CSeq: 1 MESSAGE'];
    const extra = parsed(crlf([...base, 'Content-Length: 5', '', 'hello and more']));
    expect(extra.bodyText()).toBe('hello');
    const short = parseMessage(crlf([...base, 'Content-Length: 50', '', 'hello']));
    expect(!short.ok && short.error.reason).toMatch(/larger than the 5 bytes/);
    const none = parsed(crlf([...base, '', 'all of it']));
    expect(none.bodyText()).toBe('all of it');
    const stream = parseMessage(crlf([...base, '', '']), { framing: 'stream' });
    expect(!stream.ok && stream.error.reason).toMatch(/mandatory over a stream/);
  });
});

describe('URIs', () => {
  it('parses sip and sips URIs with user, password, IPv6 host, port, parameters and headers', () => {
    expect(parseUri('sips:alice:secret@[2001:db8::10]:5061;transport=tls;lr?Subject=hi&Priority=urgent')).toMatchObject({
      kind: 'sip',
      scheme: 'sips',
      user: 'alice',
      password: 'secret',
      host: '2001:db8::10',
      port: 5061,
    });
    const u = parseUri('SIP:%61lice@Example.COM;maddr=239.255.255.1;ttl=15');
    expect(u.kind === 'sip' && [u.scheme, u.user, u.host, u.params.get('MADDR'), u.params.get('ttl')]).toEqual([
      'sip',
      '%61lice',
      'Example.COM',
      '239.255.255.1',
      '15',
    ]);
    expect(u.text).toBe('SIP:%61lice@Example.COM;maddr=239.255.255.1;ttl=15');
  });

  it('parses tel URIs and keeps unknown schemes opaque', () => {
    expect(parseUri('tel:+1-201-555-0123;phone-context=example.com')).toMatchObject({ kind: 'tel', number: '+1-201-555-0123' });
    expect(parseUri('urn:service:sos')).toMatchObject({ kind: 'absolute', scheme: 'urn', opaque: 'service:sos' });
  });

  it('refuses malformed URIs', () => {
    for (const bad of ['sip:', 'sip:user@', 'sip:host:99999', 'sip:a b@host', 'sip:[::1', 'sip:host;;x', '1sip:x', 'tel:', 'sip:host;p=']) {
      expect(() => parseUri(bad), bad).toThrow();
    }
  });

  it('builds a URI from parts that formats and parses back', () => {
    const u = sipUri({ user: 'bob', host: '2001:db8::1', port: 5070, params: { transport: 'tcp', lr: null } });
    expect(u.text).toBe('sip:bob@[2001:db8::1]:5070;transport=tcp;lr');
    expect(parseUri(u.text)).toMatchObject({ host: '2001:db8::1', port: 5070 });
  });
});

describe('name-addr', () => {
  it('reads the display name forms and formats back to a parseable value', () => {
    expect(parseAddressHeader('Bob Smith <sip:bob@x>;tag=1').displayName).toBe('Bob Smith');
    expect(parseAddressHeader('"\\\\ back" <sip:bob@x>').displayName).toBe('\\ back');
    expect(parseAddressHeader('<sip:bob@x>').displayName).toBeUndefined();
    const na = parseAddressHeader('"Desk, 2" <sip:d@x;transport=udp>;expires=30');
    expect(parseAddressHeader(formatNameAddr(na))).toEqual(na);
    expect(() => parseAddressHeader('<sip:a@x>, <sip:b@x>', 'To')).toThrow(/only one/);
  });
});

describe('serializer', () => {
  it('writes a built message with a correct Content-Length, in any header spelling', () => {
    const req = new SipRequest({
      method: 'MESSAGE',
      uri: 'sip:bob@x',
      headers: [
        ['Via', 'SIP/2.0/UDP h;branch=z9hG4bK1'],
        ['t', '<sip:bob@x>'],
        ['From', '<sip:a@x>;tag=1'],
        ['call-id', 'c1'],
        ['CSeq', '1 MESSAGE'],
        ['Content-Length', '999'],
      ],
      body: 'héllo',
    });
    const text = Buffer.from(serializeMessage(req, { headerNames: 'canonical' })).toString();
    expect(text).toBe(crlf(['MESSAGE sip:bob@x SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: <sip:bob@x>', 'From: <sip:a@x>;tag=1', 'Call-ID: c1', 'CSeq: 1 MESSAGE', 'Content-Length: 6', '', 'héllo']));
    expect(Buffer.from(serializeMessage(req, { headerNames: 'compact' })).toString()).toMatch(/^v: .*\r\nt: .*\r\nf: .*\r\ni: c1\r\nCSeq: 1 MESSAGE\r\nl: 6\r\n/ms);
    expect(Buffer.from(serializeMessage(req, { contentLength: 'as-is' })).toString()).toMatch(/Content-Length: 999/);
  });

  it('sends raw text as given, with LF turned into CRLF unless asked not to', () => {
    expect(Buffer.from(rawBytes('OPTIONS  sip:x SIP/2.0\nl: 0\n\n')).toString()).toBe('OPTIONS  sip:x SIP/2.0\r\nl: 0\r\n\r\n');
    expect(Buffer.from(rawBytes('a\nb', { crlf: false })).toString()).toBe('a\nb');
  });

  it('Headers.set replaces in place and removes repeats; canonical names are spelled right', () => {
    const h = new Headers([['Via', 'a'], ['To', 'x'], ['v', 'b']]);
    h.set('via', 'c');
    expect(h.fields).toEqual([{ name: 'Via', value: 'c' }, { name: 'To', value: 'x' }]);
    expect(['call-id', 'cseq', 'www-authenticate', 'i', 'x-custom-thing'].map(canonicalHeaderName)).toEqual([
      'Call-ID',
      'CSeq',
      'WWW-Authenticate',
      'Call-ID',
      'X-Custom-Thing',
    ]);
  });
});

describe('multipart bodies', () => {
  it('splits parts with their headers and builds them back', () => {
    const body = formatMultipart(
      [
        { headers: new Headers([['Content-Type', 'application/sdp']]), body: new TextEncoder().encode('v=0\r\n') },
        { headers: new Headers([['Content-Type', 'application/octet-stream']]), body: new Uint8Array([0, 13, 10, 255]) },
      ],
      'b0undary',
    );
    const parts = parseMultipart(body, 'b0undary');
    expect(parts.map((p) => p.headers.get('content-type'))).toEqual(['application/sdp', 'application/octet-stream']);
    expect(Buffer.from(parts[0]!.body).toString()).toBe('v=0\r\n');
    expect([...parts[1]!.body]).toEqual([0, 13, 10, 255]);
    expect(() => parseMultipart(body, 'other')).toThrow(/without the boundary/);
  });
});

describe('stream framer', () => {
  const msg = (body: string, length = String(Buffer.byteLength(body))): string =>
    `MESSAGE sip:b@x SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nTo: <sip:b@x>\r\nFrom: <sip:a@x>;tag=1\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\nContent-Length: ${length}\r\n\r\n${body}`;

  it('reports a message without Content-Length as a 400 and goes on with the stream', async () => {
    const { SipStreamFramer } = await import('../../simulator/engine/sip/index.js');
    const f = new SipStreamFramer();
    const seen: (string | number | undefined)[] = [];
    f.on('message', (r) => seen.push(r.ok ? r.message.bodyText() : r.error.status));
    f.push(Buffer.from(msg('').replace('Content-Length: 0\r\n', '') + msg('next')));
    expect(seen).toEqual([400, 'next']);
    expect(f.broken).toBe(false);
  });

  it('gives up on a stream it cannot frame: bad Content-Length, body or headers over the limits', async () => {
    const { SipStreamFramer } = await import('../../simulator/engine/sip/index.js');
    for (const [input, why] of [
      [msg('x', '-1'), /cannot frame/],
      [msg('x', '99999999'), /over the 1024-byte limit/],
      [`INVITE sip:a@b SIP/2.0\r\nX: ${'y'.repeat(5000)}`, /headers longer than 4096/],
    ] as const) {
      const f = new SipStreamFramer({ maxBodyBytes: 1024, maxHeaderBytes: 4096 });
      const errors: string[] = [];
      f.on('error', (e) => errors.push(e.reason));
      f.push(Buffer.from(input));
      f.push(Buffer.from(msg('ignored after failure')));
      expect(f.broken).toBe(true);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(why);
    }
  });
});
