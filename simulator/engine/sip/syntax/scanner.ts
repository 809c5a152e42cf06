/**
 * A cursor over one unfolded header value, with the lexical rules of RFC 3261 section 25.1:
 * linear whitespace, tokens, quoted strings with quoted-pairs, and the separators HCOLON, SEMI,
 * COMMA, EQUAL with their optional surrounding whitespace.
 */
import { isTokenChar, isWhitespace } from './charset.js';
import { SipSyntaxError } from './syntax-error.js';

export class Scanner {
  pos = 0;

  constructor(readonly text: string) {}

  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  fail(message: string): never {
    throw new SipSyntaxError(`${message} at column ${this.pos + 1}`, this.pos);
  }

  skipWhitespace(): void {
    while (this.pos < this.text.length && isWhitespace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  /** Skips whitespace, then consumes `ch` if it is next (and the whitespace after it). */
  accept(ch: string): boolean {
    const save = this.pos;
    this.skipWhitespace();
    if (this.text[this.pos] === ch) {
      this.pos++;
      this.skipWhitespace();
      return true;
    }
    this.pos = save;
    return false;
  }

  expect(ch: string, what: string): void {
    if (!this.accept(ch)) this.fail(`expected ${what}`);
  }

  token(what = 'a token'): string {
    const start = this.pos;
    while (this.pos < this.text.length && isTokenChar(this.text.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) this.fail(`expected ${what}`);
    return this.text.slice(start, this.pos);
  }

  /** Consumes characters while `ok` holds; may return ''. */
  run(ok: (code: number) => boolean): string {
    const start = this.pos;
    while (this.pos < this.text.length && ok(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** A quoted-string starting at the cursor; returns its content with quoted-pairs resolved. */
  quotedString(): string {
    if (this.peek() !== '"') this.fail('expected a quoted string');
    const open = this.pos;
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        const next = this.text.charCodeAt(this.pos + 1);
        if (Number.isNaN(next) || next === 0x0a || next === 0x0d || next > 0x7f) {
          this.fail('bad escape in quoted string');
        }
        out += this.text[this.pos + 1];
        this.pos += 2;
        continue;
      }
      const code = c.charCodeAt(0);
      if (code < 0x20 && code !== 0x09) this.fail('control character in quoted string');
      out += c;
      this.pos++;
    }
    throw new SipSyntaxError(`unterminated quoted string opened at column ${open + 1}`, open);
  }
}

/** Quotes `text` as a quoted-string, escaping `"` and `\`. */
export function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
