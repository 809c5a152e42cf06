/**
 * pcapng capture files (draft-ietf-opsawg-pcapng): blocks of type, total length, body and the
 * length again. A Section Header Block starts a section with its own byte order (read from its
 * byte-order magic) and its own interface table; Interface Description Blocks give each
 * interface's link type, snaplen, if_tsresol (a power of 10 or of 2) and if_tsoffset; packets
 * come in Enhanced, Simple (interface 0, no time, length from the block) and the obsolete Packet
 * Blocks. Other blocks are skipped unread.
 *
 * A block whose length is impossible (under 12, not a multiple of 4, absurd, past the end of the
 * file) ends the reading with a problem; a packet block that does not fit its interface table or
 * its own length is skipped with one.
 */
import type { ByteWindow } from './byte-window.js';
import type { CaptureRecord, ProblemLog } from './capture-record.js';
import { RecordSource } from './record-source.js';

export const BLOCK_SECTION_HEADER = 0x0a0d0d0a;
const BLOCK_INTERFACE_DESCRIPTION = 1;
const BLOCK_PACKET = 2;
const BLOCK_SIMPLE_PACKET = 3;
const BLOCK_ENHANCED_PACKET = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
/** A block longer than this is corruption. */
const MAX_BLOCK = 0x8000000;

interface Interface {
  readonly linkType: number;
  readonly snaplen: number;
  /** Timestamp units per second (if_tsresol), as a number and exactly. */
  readonly perSecond: number;
  readonly perSecondExact: bigint;
  /** if_tsoffset, seconds. */
  readonly offsetSeconds: number;
  /** The last timestamp high word seen and its split into whole seconds and leftover units. */
  high: number;
  highSeconds: number;
  highRemainder: number;
}

/** The byte order of a Section Header Block at `at`, or undefined when its byte-order magic is neither. */
export function sectionByteOrder(window: ByteWindow, at: number): boolean | undefined {
  const p = at - window.start + 8;
  if (window.view.getUint32(p, true) === BYTE_ORDER_MAGIC) return true;
  if (window.view.getUint32(p, false) === BYTE_ORDER_MAGIC) return false;
  return undefined;
}

/**
 * Every packet of every section, in file order; the file starts with a Section Header Block. A
 * plain iterator rather than a generator, as it runs once per packet; the window is closed when
 * the packets end or at `return()`.
 */
export class PcapngRecords extends RecordSource {
  private le = true;
  private interfaces: Interface[] = [];
  private lastTime = 0;
  private at = 0;

  constructor(
    window: ByteWindow,
    private readonly problems: ProblemLog,
  ) {
    super(window);
  }

  read(): CaptureRecord | undefined {
    const window = this.window;
    const problems = this.problems;
    while (!this.ended && this.at < window.size) {
      const at = this.at;
      if (!window.ensure(at, 12)) {
        problems.add(at, `block header cut short: ${window.size - at} of 12 bytes`);
        return this.end();
      }
      let p = at - window.start;
      const type = window.view.getUint32(p, this.le);
      if (type === BLOCK_SECTION_HEADER) {
        const order = sectionByteOrder(window, at);
        if (order === undefined) {
          problems.add(at, 'section header without a byte-order magic; the rest of the file is not read');
          return this.end();
        }
        this.le = order;
        this.interfaces = [];
      }
      const le = this.le;
      const length = window.view.getUint32(p + 4, le);
      if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK) {
        problems.add(at, `block length ${length} is impossible; the rest of the file is not read`);
        return this.end();
      }
      if (at + length > window.size) {
        problems.add(at, `block cut short: ${window.size - at} of ${length} bytes`);
        return this.end();
      }
      this.at = at + length;
      const parsed = type === BLOCK_SECTION_HEADER || type === BLOCK_INTERFACE_DESCRIPTION || type === BLOCK_ENHANCED_PACKET || type === BLOCK_SIMPLE_PACKET || type === BLOCK_PACKET;
      if (!parsed) continue;
      window.ensure(at, length);
      p = at - window.start;
      const view = window.view;
      if (view.getUint32(p + length - 4, le) !== length) problems.add(at, `block length ${length} differs from the trailing copy ${view.getUint32(p + length - 4, le)}`);
      if (type === BLOCK_SECTION_HEADER) {
        const major = length >= 16 ? view.getUint16(p + 12, le) : 0;
        if (major !== 1) problems.add(at, `section version ${major} is not 1; reading it as 1`);
        continue;
      }
      if (type === BLOCK_INTERFACE_DESCRIPTION) {
        if (length < 20) problems.add(at, `interface description of ${length} bytes is shorter than 20`);
        else this.interfaces.push(describeInterface(view, p, length, le, at, problems));
        continue;
      }
      const simple = type === BLOCK_SIMPLE_PACKET;
      const fixed = simple ? 12 : 28;
      const interfaceId = simple ? 0 : type === BLOCK_PACKET ? view.getUint16(p + 8, le) : view.getUint32(p + 8, le);
      const iface = this.interfaces[interfaceId];
      if (iface === undefined) {
        problems.add(at, `packet on interface ${interfaceId}, which the section has not described; skipped`);
        continue;
      }
      if (length < fixed + 4) {
        problems.add(at, `packet block of ${length} bytes is shorter than its fixed part; skipped`);
        continue;
      }
      const originalLength = view.getUint32(p + (simple ? 8 : 24), le);
      let captured: number;
      if (simple) {
        captured = Math.min(originalLength, length - 16);
        if (iface.snaplen > 0) captured = Math.min(captured, iface.snaplen);
      } else {
        captured = view.getUint32(p + 20, le);
      }
      if (fixed + captured + 4 > length) {
        problems.add(at, `captured length ${captured} overruns the ${length}-byte block; skipped`);
        continue;
      }
      if (!simple) this.lastTime = timeOf(iface, view.getUint32(p + 12, le), view.getUint32(p + 16, le));
      return { offset: at, time: this.lastTime, interfaceId, linkType: iface.linkType, originalLength, data: window.bytes.subarray(p + fixed, p + fixed + captured) };
    }
    return this.end();
  }
}

function describeInterface(view: DataView, p: number, length: number, le: boolean, at: number, problems: ProblemLog): Interface {
  let perSecondExact = 1_000_000n;
  let offsetSeconds = 0;
  let o = p + 16;
  const end = p + length - 4;
  while (o + 4 <= end) {
    const code = view.getUint16(o, le);
    const size = view.getUint16(o + 2, le);
    if (code === 0 || o + 4 + size > end) break;
    if (code === IF_TSRESOL && size >= 1) {
      const v = view.getUint8(o + 4);
      // Finer than 2^-52 or 10^-15 s per unit is no clock; a damaged byte, read as microseconds.
      if (v & 0x80 ? (v & 0x7f) <= 52 : v <= 15) perSecondExact = v & 0x80 ? 1n << BigInt(v & 0x7f) : 10n ** BigInt(v);
      else problems.add(at, `if_tsresol 0x${v.toString(16)} is implausible; microseconds assumed`);
    } else if (code === IF_TSOFFSET && size >= 8) {
      offsetSeconds = Number(view.getBigInt64(o + 4, le));
    }
    o += 4 + ((size + 3) & ~3);
  }
  return {
    linkType: view.getUint16(p + 8, le),
    snaplen: view.getUint32(p + 12, le),
    perSecond: Number(perSecondExact),
    perSecondExact,
    offsetSeconds,
    high: -1,
    highSeconds: 0,
    highRemainder: 0,
  };
}

/**
 * Epoch ms of a 64-bit timestamp in the interface's units. Nanosecond counts pass 2^53, so the
 * high word's share is split exactly (once per high word, which changes every few seconds).
 */
function timeOf(iface: Interface, high: number, low: number): number {
  if (high !== iface.high) {
    const units = BigInt(high) << 32n;
    iface.high = high;
    iface.highSeconds = Number(units / iface.perSecondExact);
    iface.highRemainder = Number(units % iface.perSecondExact);
  }
  const rest = iface.highRemainder + low;
  const carry = Math.floor(rest / iface.perSecond);
  const fraction = rest - carry * iface.perSecond;
  return (iface.highSeconds + carry + iface.offsetSeconds) * 1000 + (fraction * 1000) / iface.perSecond;
}
