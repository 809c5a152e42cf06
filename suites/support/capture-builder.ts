/**
 * Hand-built capture files and frames for the analysis suites: pcapng sections with any byte
 * order, interfaces, if_tsresol / if_tsoffset and block kinds, classic pcap of any link type, and
 * IPv4 (options, fragments), IPv6 (extension headers, fragments), UDP and TCP packets inside the
 * link layers the decoder reads. Checksums are left 0: the decoder (like tshark by default) does
 * not check them.
 */

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

class Writer {
  private readonly bytes: number[] = [];
  constructor(private readonly le: boolean) {}
  u8(v: number): this {
    this.bytes.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    const b = [(v >> 8) & 0xff, v & 0xff];
    this.bytes.push(...(this.le ? b.reverse() : b));
    return this;
  }
  u32(v: number): this {
    const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    this.bytes.push(...(this.le ? b.reverse() : b));
    return this;
  }
  raw(b: Uint8Array): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  pad4(): this {
    while (this.bytes.length % 4) this.bytes.push(0);
    return this;
  }
  get length(): number {
    return this.bytes.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

// ---- classic pcap ----

export interface PcapPacket {
  seconds: number;
  fraction: number;
  data: Uint8Array;
  originalLength?: number;
}

export function pcapFile(options: { linkType: number; le?: boolean; ns?: boolean; snaplen?: number }, packets: PcapPacket[]): Uint8Array {
  const w = new Writer(options.le ?? true);
  w.u32(options.ns ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(options.snaplen ?? 262144).u32(options.linkType);
  for (const p of packets) w.u32(p.seconds).u32(p.fraction).u32(p.data.length).u32(p.originalLength ?? p.data.length).raw(p.data);
  return w.done();
}

// ---- pcapng ----

export interface PcapngInterface {
  linkType: number;
  snaplen?: number;
  /** Raw if_tsresol byte (6 = µs when absent). */
  tsresol?: number;
  tsoffset?: number;
}

export type PcapngBlock =
  | { kind: 'epb'; interfaceId: number; units: bigint; data: Uint8Array; originalLength?: number }
  | { kind: 'pb'; interfaceId: number; units: bigint; data: Uint8Array }
  | { kind: 'spb'; data: Uint8Array; originalLength?: number }
  | { kind: 'other'; type: number; body: Uint8Array };

function block(le: boolean, type: number, body: Uint8Array): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const total = 12 + padded;
  const w = new Writer(le).u32(type).u32(total).raw(body).pad4().u32(total);
  return w.done();
}

function option(le: boolean, code: number, value: Uint8Array): Uint8Array {
  return new Writer(le).u16(code).u16(value.length).raw(value).pad4().done();
}

/** One section: its header, its interfaces, then the blocks. */
export function pcapngSection(le: boolean, interfaces: PcapngInterface[], blocks: PcapngBlock[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const shb = new Writer(le).u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff).done();
  parts.push(block(le, 0x0a0d0d0a, shb));
  for (const i of interfaces) {
    const opts: Uint8Array[] = [];
    if (i.tsresol !== undefined) opts.push(option(le, 9, Uint8Array.of(i.tsresol)));
    if (i.tsoffset !== undefined) {
      const v = new Uint8Array(8);
      new DataView(v.buffer).setBigInt64(0, BigInt(i.tsoffset), le);
      opts.push(option(le, 14, v));
    }
    if (opts.length) opts.push(new Uint8Array(4));
    parts.push(block(le, 1, concat(new Writer(le).u16(i.linkType).u16(0).u32(i.snaplen ?? 0).done(), ...opts)));
  }
  for (const b of blocks) {
    const w = new Writer(le);
    if (b.kind === 'epb' || b.kind === 'pb') {
      if (b.kind === 'epb') w.u32(b.interfaceId);
      else w.u16(b.interfaceId).u16(0);
      w.u32(Number(b.units >> 32n)).u32(Number(b.units & 0xffffffffn)).u32(b.data.length).u32(b.kind === 'epb' ? (b.originalLength ?? b.data.length) : b.data.length).raw(b.data);
      parts.push(block(le, b.kind === 'epb' ? 6 : 2, w.done()));
    } else if (b.kind === 'spb') {
      parts.push(block(le, 3, w.u32(b.originalLength ?? b.data.length).raw(b.data).done()));
    } else {
      parts.push(block(le, b.type, b.body));
    }
  }
  return concat(...parts);
}

// ---- packets ----

const be = (): Writer => new Writer(false);

export function ipv4Bytes(text: string): Uint8Array {
  return Uint8Array.from(text.split('.'), Number);
}

export function udp(srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  return be().u16(srcPort).u16(dstPort).u16(8 + payload.length).u16(0).raw(payload).done();
}

export function tcp(srcPort: number, dstPort: number, seq: number, flags: number, payload: Uint8Array = new Uint8Array(0), ack = 0): Uint8Array {
  return be().u16(srcPort).u16(dstPort).u32(seq >>> 0).u32(ack).u8(5 << 4).u8(flags).u16(65535).u16(0).u16(0).raw(payload).done();
}

export interface Ipv4Options {
  src: string;
  dst: string;
  protocol: number;
  id?: number;
  /** Fragment offset in bytes (a multiple of 8). */
  fragmentOffset?: number;
  moreFragments?: boolean;
  /** IP options, a multiple of 4 bytes. */
  options?: Uint8Array;
}

export function ipv4(o: Ipv4Options, payload: Uint8Array): Uint8Array {
  const options = o.options ?? new Uint8Array(0);
  const headerLength = 20 + options.length;
  return be()
    .u8(0x40 | (headerLength / 4))
    .u8(0)
    .u16(headerLength + payload.length)
    .u16(o.id ?? 0)
    .u16(((o.moreFragments ? 0x2000 : 0) | ((o.fragmentOffset ?? 0) / 8)) & 0xffff)
    .u8(64)
    .u8(o.protocol)
    .u16(0)
    .raw(ipv4Bytes(o.src))
    .raw(ipv4Bytes(o.dst))
    .raw(options)
    .raw(payload)
    .done();
}

/** An IPv6 packet; `chain` is the extension headers, each [type, bytes after its next-header byte]. */
export function ipv6(src: Uint8Array, dst: Uint8Array, protocol: number, payload: Uint8Array, chain: { type: number; body: Uint8Array }[] = []): Uint8Array {
  const ext: Uint8Array[] = chain.map((h, i) => concat(Uint8Array.of(i + 1 < chain.length ? chain[i + 1]!.type : protocol), h.body));
  const rest = concat(...ext, payload);
  return be()
    .u32(0x60000000)
    .u16(rest.length)
    .u8(chain.length ? chain[0]!.type : protocol)
    .u8(64)
    .raw(src)
    .raw(dst)
    .raw(rest)
    .done();
}

/** A generic extension header body (after the next-header byte) of `units` 8-octet units. */
export function extensionBody(units: number): Uint8Array {
  const body = new Uint8Array(units * 8 - 1);
  body[0] = units - 1;
  return body;
}

export function fragmentHeaderBody(offset: number, more: boolean, id: number): Uint8Array {
  return be()
    .u8(0)
    .u16(offset | (more ? 1 : 0))
    .u32(id)
    .done();
}

export function ethernet(etherType: number, payload: Uint8Array, vlans: { tpid: number; vid: number }[] = []): Uint8Array {
  const w = be().raw(Uint8Array.of(2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1));
  for (const v of vlans) w.u16(v.tpid).u16(v.vid);
  return w.u16(etherType).raw(payload).done();
}

export function sll(etherType: number, payload: Uint8Array): Uint8Array {
  return be().u16(0).u16(1).u16(6).raw(Uint8Array.of(2, 0, 0, 0, 0, 1, 0, 0)).u16(etherType).raw(payload).done();
}

export function sll2(etherType: number, payload: Uint8Array): Uint8Array {
  return be().u16(etherType).u16(0).u32(2).u16(1).u8(0).u8(6).raw(Uint8Array.of(2, 0, 0, 0, 0, 1, 0, 0)).raw(payload).done();
}

/** BSD loopback header: the address family in the given byte order. */
export function loopback(family: number, payload: Uint8Array, le: boolean): Uint8Array {
  return new Writer(le).u32(family).raw(payload).done();
}
