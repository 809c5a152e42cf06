/**
 * Text and attribute values for XML 1.0 (section 2.2 "Characters", 2.4 "Character Data") and for
 * HTML, which accepts the same escapes: the five special characters escaped, characters XML 1.0
 * forbids (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE, U+FFFF) dropped, and in
 * attributes tab/LF/CR written as character references so that attribute normalisation keeps them.
 */

const ILLEGAL_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTR_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', "'": '&#39;', '\t': '&#9;', '\n': '&#10;' };

/** `text` without the characters XML 1.0 does not allow anywhere in a document. */
export function stripIllegalXmlChars(text: string): string {
  return text.replace(ILLEGAL_XML_CHARS, '');
}

/** Character data for an element's content. */
export function xmlText(text: string): string {
  return stripIllegalXmlChars(text).replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!);
}

/** An attribute value, to be written between double or single quotes. */
export function xmlAttr(text: string): string {
  return stripIllegalXmlChars(text).replace(/[&<>"'\t\n\r]/g, (c) => ATTR_ESCAPES[c]!);
}
