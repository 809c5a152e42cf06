/**
 * The codecs an endpoint can use, looked up by SDP encoding name and clock rate (case-insensitive,
 * RFC 4566 section 6) or by static payload type (RFC 3551 table 4). New codecs register here.
 */
import type { Codec } from './codec.js';
import { PCMA, PCMU } from './g711.js';

export class CodecRegistry {
  private readonly codecs: Codec[] = [];

  constructor(codecs: readonly Codec[] = []) {
    for (const c of codecs) this.register(c);
  }

  register(codec: Codec): void {
    if (this.byName(codec.name, codec.clockRate)) throw new Error(`codec ${codec.name}/${codec.clockRate} is already registered`);
    if (codec.payloadType < 96 && this.byPayloadType(codec.payloadType)) {
      throw new Error(`static payload type ${codec.payloadType} is already taken by ${this.byPayloadType(codec.payloadType)!.name}`);
    }
    this.codecs.push(codec);
  }

  /** The codec with this encoding name (and clock rate, when given). */
  byName(name: string, clockRate?: number): Codec | undefined {
    const n = name.toUpperCase();
    return this.codecs.find((c) => c.name.toUpperCase() === n && (clockRate === undefined || c.clockRate === clockRate));
  }

  /** The codec with this static payload type; dynamic types (96-127) mean nothing without SDP. */
  byPayloadType(payloadType: number): Codec | undefined {
    return payloadType < 96 ? this.codecs.find((c) => c.payloadType === payloadType) : undefined;
  }

  /** A codec by name, throwing a message that lists the known ones. */
  get(name: string, clockRate?: number): Codec {
    const c = this.byName(name, clockRate);
    if (!c) throw new Error(`unknown codec ${name}${clockRate ? `/${clockRate}` : ''}; known: ${this.names().join(', ')}`);
    return c;
  }

  list(): readonly Codec[] {
    return this.codecs;
  }

  names(): string[] {
    return this.codecs.map((c) => c.name);
  }
}

/** A registry with the codecs pbxlab ships: PCMU then PCMA. */
export function defaultCodecs(): CodecRegistry {
  return new CodecRegistry([PCMU, PCMA]);
}
