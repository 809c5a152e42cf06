/**
 * pcapng capture files (draft-ietf-opsawg-pcapng): one Section Header Block naming the writing
 * application, one Interface Description Block (Ethernet, with if_tsresol giving microsecond or
 * nanosecond stamps), then an Enhanced Packet Block per frame. Written little-endian; readers
 * tell the byte order from the SHB's byte-order magic.
 *
 * Hand-written: the npm pcap packages are classic-pcap only (ARCHITECTURE.md, "Libraries").
 */
import type { ByteSink } from './byte-sink.js';
import type { CaptureFileOptions } from './pcap-writer.js';
import { DEFAULT_SNAPLEN, LINKTYPE_ETHERNET } from './pcap-writer.js';
import type { PacketTimestamp, TimestampResolution } from './timestamp.js';

export const BLOCK_SECTION_HEADER = 0x0a0d0d0a;
export const BLOCK_INTERFACE_DESCRIPTION = 0x00000001;
export const BLOCK_ENHANCED_PACKET = 0x00000006;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_TSRESOL = 9;

export interface PcapngOptions extends CaptureFileOptions {
  /** shb_userappl: the application that wrote the file. Default "pbxlab". */
  application?: string;
  /** opt_comment on the section, e.g. the scenario and seed of the run. */
  comment?: string;
}

const pad4 = (n: number): number => (n + 3) & ~3;

interface BlockOption {
  code: number;
  value: Uint8Array;
}

/** The options area: each option padded to 32 bits, then opt_endofopt; empty when there are none. */
function encodeOptions(options: BlockOption[]): Uint8Array {
  if (options.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(options.reduce((n, o) => n + 4 + pad4(o.value.length), 4));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const o of options) {
    view.setUint16(offset, o.code, true);
    view.setUint16(offset + 2, o.value.length, true);
    out.set(o.value, offset + 4);
    offset += 4 + pad4(o.value.length);
  }
  view.setUint16(offset, OPT_ENDOFOPT, true);
  return out;
}

/** A block: type, total length, `body` padded to 32 bits, total length again. */
function block(type: number, body: Uint8Array): Uint8Array {
  const total = 12 + pad4(body.length);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  out.set(body, 8);
  view.setUint32(total - 4, total, true);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export class PcapngWriter {
  readonly resolution: TimestampResolution;
  readonly snaplen: number;
  private readonly unitsPerSecond: bigint;

  /** Writes the section header and interface description to `sink` at once. */
  constructor(
    private readonly sink: ByteSink,
    options: PcapngOptions = {},
  ) {
    this.resolution = options.resolution ?? 'us';
    this.snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    this.unitsPerSecond = this.resolution === 'ns' ? 1_000_000_000n : 1_000_000n;
    const text = new TextEncoder();

    const shbFixed = new Uint8Array(16);
    const shb = new DataView(shbFixed.buffer);
    shb.setUint32(0, BYTE_ORDER_MAGIC, true);
    shb.setUint16(4, 1, true);
    shb.setUint16(6, 0, true);
    shb.setBigInt64(8, -1n, true); // section length not given
    const shbOptions: BlockOption[] = [{ code: SHB_USERAPPL, value: text.encode(options.application ?? 'pbxlab') }];
    if (options.comment !== undefined) shbOptions.unshift({ code: OPT_COMMENT, value: text.encode(options.comment) });

    const idbFixed = new Uint8Array(8);
    const idb = new DataView(idbFixed.buffer);
    idb.setUint16(0, options.linktype ?? LINKTYPE_ETHERNET, true);
    idb.setUint16(2, 0, true);
    idb.setUint32(4, this.snaplen, true);
    const tsresol = Uint8Array.of(this.resolution === 'ns' ? 9 : 6);

    sink.write(
      concat(
        block(BLOCK_SECTION_HEADER, concat(shbFixed, encodeOptions(shbOptions))),
        block(BLOCK_INTERFACE_DESCRIPTION, concat(idbFixed, encodeOptions([{ code: IF_TSRESOL, value: tsresol }]))),
      ),
    );
  }

  /** Writes one Enhanced Packet Block on interface 0 (the frame cut to the snaplen) in a single sink write. */
  writePacket(timestamp: PacketTimestamp, frame: Uint8Array): void {
    const captured = Math.min(frame.length, this.snaplen);
    const total = 32 + pad4(captured);
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    const units = BigInt(timestamp.seconds) * this.unitsPerSecond + BigInt(timestamp.fraction);
    view.setUint32(0, BLOCK_ENHANCED_PACKET, true);
    view.setUint32(4, total, true);
    view.setUint32(8, 0, true); // interface id
    view.setUint32(12, Number(units >> 32n), true);
    view.setUint32(16, Number(units & 0xffffffffn), true);
    view.setUint32(20, captured, true);
    view.setUint32(24, frame.length, true);
    out.set(frame.subarray(0, captured), 28);
    view.setUint32(total - 4, total, true);
    this.sink.write(out);
  }
}
