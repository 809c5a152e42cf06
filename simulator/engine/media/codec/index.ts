/** Audio codecs for RTP: the interface, the registry, G.711 (PCMU, PCMA) and the PCM-to-payload bridge. */
export { rtpmapName, type Codec } from './codec.js';
export { PCMA, PCMU, throughCodec } from './g711.js';
export { CodecRegistry, defaultCodecs } from './registry.js';
export { encodedSource, type EncodedSource } from './payload-source.js';
