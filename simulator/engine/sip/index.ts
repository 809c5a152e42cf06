export { SipRequest, SipResponse, SIP_VERSION, type SipMessage, type RequestInit, type ResponseInit } from './message.js';
export { parseMessage, type ParseOptions, type Framing } from './parser.js';
export type { ParseResult, SipParseError } from './parse-error.js';
export { serializeMessage, exactBytes, rawBytes, type SerializeOptions } from './serializer.js';
export { SipStreamFramer, type StreamFramerLimits, type StreamFramerEvents } from './stream-framer.js';
export { parseMultipart, formatMultipart, type BodyPart } from './multipart.js';
export { createResponse, reasonPhrase, REASON_PHRASES, type ResponseOptions } from './responses.js';
export { checkRequestUri, SUPPORTED_URI_SCHEMES, type RequestVerdict } from './request-checks.js';
export { Headers, splitHeaderList, type HeaderField, type HeaderInit } from './syntax/headers.js';
export { headerKey, canonicalHeaderName, compactHeaderName, LIST_HEADERS, SINGLE_HEADERS } from './syntax/header-names.js';
export { parseUri, sipUri, hostport, type Uri, type SipUri, type TelUri, type AbsoluteUri, type SipUriParts } from './syntax/uri.js';
export { parseNameAddr, formatNameAddr, type NameAddr } from './syntax/name-addr.js';
export { parseVia, formatVia, viaBranch, BRANCH_MAGIC_COOKIE, type Via } from './syntax/via.js';
export { Params, type ParamEntry } from './syntax/params.js';
export {
  parseAddressHeader,
  parseContactHeader,
  parseRouteHeader,
  parseTokenListHeader,
  parseViaHeader,
} from './syntax/header-values.js';
export { parseCSeq, parseCallId, parseMediaType, mediaTypeName, type CSeq, type MediaType } from './syntax/scalars.js';
export { SipSyntaxError } from './syntax/syntax-error.js';
export { Scanner, quote } from './syntax/scanner.js';
