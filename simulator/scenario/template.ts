/**
 * Message templates of raw-message actors: `${name}` variables (built in, an actor's address, or
 * captured by an earlier `receive`), and the layout fixes a YAML block needs to become SIP text
 * (RFC 3261 7: CRLF line ends, an empty line before the body). `${len}` is the body's length in
 * bytes, for Content-Length, as SIPp's `[len]`.
 */

/** Variables every raw actor has. `branch` is new at each send; `call_id` and `tag` are the actor's own. */
export const BUILT_IN_VARIABLES = ['local_ip', 'local_port', 'transport', 'pbx_ip', 'pbx_port', 'device_ip', 'device_port', 'branch', 'call_id', 'tag', 'len'];

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

/** The variable names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1]!))];
}

/** SIP text from a template: variables replaced, CRLF line ends, `${len}` the body's byte length. */
export function renderMessage(template: string, lookup: (name: string) => string | undefined): string {
  const lines = template.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const blank = lines.findIndex((l) => l.trim() === '');
  const head = blank < 0 ? lines : lines.slice(0, blank);
  const bodyLines = blank < 0 ? [] : lines.slice(blank + 1);
  const fill = (text: string): string =>
    text.replace(VARIABLE, (whole, name: string) => {
      const v = lookup(name);
      if (v === undefined) throw new Error(`undefined variable ${whole}`);
      return v;
    });
  const body = bodyLines.length === 0 ? '' : `${bodyLines.map(fill).join('\r\n')}\r\n`;
  const len = String(Buffer.byteLength(body, 'utf8'));
  const headText = head.map((l) => fill(l.replace(/\$\{len\}/g, len))).join('\r\n');
  return `${headText}\r\n\r\n${body}`;
}
