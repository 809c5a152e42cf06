/**
 * A small XML 1.0 well-formedness checker for the report tests (no XML parser ships with Node and
 * xmllint is not on every machine): elements nest and balance with one root, attributes are quoted
 * and unique, `&` starts a known entity or a character reference, `<` appears only as markup, and
 * no character XML 1.0 forbids is present. Returns the problems found, empty when well-formed.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (its children's left out). */
  text: string;
  /** All the text inside it, its children's included, in document order. */
  content: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9._:]*/;
const ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string, problems: string[], where: number): string {
  return text.replace(/&([^;&<\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) {
      problems.push(`offset ${where}: bare '&'`);
      return whole;
    }
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
    if (!m) {
      problems.push(`offset ${where}: unknown entity &${ref};`);
      return whole;
    }
    const code = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
    const char = String.fromCodePoint(code);
    if (ILLEGAL.test(char)) problems.push(`offset ${where}: reference to an illegal character &${ref};`);
    return char;
  });
}

/** Parses `text`; `problems` lists everything not well-formed, `root` is the document element. */
export function parseXml(text: string): { problems: string[]; root?: XmlElement } {
  const problems: string[] = [];
  const illegal = ILLEGAL.exec(text);
  if (illegal) problems.push(`offset ${illegal.index}: illegal character U+${illegal[0].codePointAt(0)!.toString(16).padStart(4, '0')}`);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const addText = (t: string): void => {
    if (stack.length > 0) stack[stack.length - 1]!.text += t;
    for (const e of stack) e.content += t;
  };
  const textOutside = (chunk: string, at: number): void => {
    if (stack.length === 0 && chunk.trim() !== '') problems.push(`offset ${at}: text outside the root element`);
    if (chunk.includes(']]>')) problems.push(`offset ${at}: ']]>' in text`);
    addText(decode(chunk, problems, at));
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      textOutside(text.slice(i), i);
      break;
    }
    textOutside(text.slice(i, lt), i);
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt);
      if (end < 0) return { problems: [...problems, `offset ${lt}: unterminated processing instruction`] };
      i = end + 2;
    } else if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt);
      if (end < 0) return { problems: [...problems, `offset ${lt}: unterminated comment`] };
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt);
      if (end < 0) return { problems: [...problems, `offset ${lt}: unterminated CDATA`] };
      addText(text.slice(lt + 9, end));
      i = end + 3;
    } else if (/^<!DOCTYPE\s/i.test(text.slice(lt, lt + 10))) {
      if (root || stack.length > 0) problems.push(`offset ${lt}: DOCTYPE after the root element`);
      i = text.indexOf('>', lt) + 1;
    } else if (text[lt + 1] === '/') {
      const m = NAME.exec(text.slice(lt + 2));
      const close = text.indexOf('>', lt);
      const name = m?.[0] ?? '';
      const open = stack.pop();
      if (!open || open.name !== name) problems.push(`offset ${lt}: </${name}> closes ${open ? `<${open.name}>` : 'nothing'}`);
      if (close < 0 || text.slice(lt + 2 + name.length, close).trim() !== '') problems.push(`offset ${lt}: malformed end tag`);
      i = close < 0 ? text.length : close + 1;
    } else {
      const m = NAME.exec(text.slice(lt + 1));
      if (!m) {
        problems.push(`offset ${lt}: '<' that starts no markup`);
        i = lt + 1;
        continue;
      }
      const element: XmlElement = { name: m[0], attributes: {}, children: [], text: '', content: '' };
      let j = lt + 1 + m[0].length;
      for (;;) {
        const ws = /^\s*/.exec(text.slice(j))![0].length;
        j += ws;
        if (text.startsWith('/>', j) || text[j] === '>') break;
        const attr = /^([A-Za-z_:][-A-Za-z0-9._:]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(text.slice(j));
        if (!attr || ws === 0) {
          problems.push(`offset ${j}: malformed attribute in <${element.name}>`);
          j = text.indexOf('>', j);
          if (j < 0) return { problems };
          break;
        }
        if (attr[1]! in element.attributes) problems.push(`offset ${j}: attribute ${attr[1]} repeated`);
        element.attributes[attr[1]!] = decode(attr[3] ?? attr[4] ?? '', problems, j);
        j += attr[0].length;
      }
      if (stack.length > 0) stack[stack.length - 1]!.children.push(element);
      else if (root) problems.push(`offset ${lt}: a second root element <${element.name}>`);
      else root = element;
      if (text.startsWith('/>', j)) i = j + 2;
      else {
        stack.push(element);
        i = j + 1;
      }
    }
  }
  for (const open of stack) problems.push(`<${open.name}> never closed`);
  if (!root) problems.push('no root element');
  return root ? { problems, root } : { problems };
}

/** Every element under `root` (itself included) named `name`, in document order. */
export function elements(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return out;
}
