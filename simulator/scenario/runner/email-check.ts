/**
 * The `email` check (scenarios/README.md "Checks"): the notification e-mail of the world's mail
 * drop (the PBX's outbox composes each exactly as it would send it by SMTP), parsed with
 * mailparser, against the scenario's maps in order, each matching a later e-mail than the one
 * before.
 */
import { simpleParser } from 'mailparser';
import type { DroppedMail } from '../../pbx/mail/index.js';
import type { EmailPattern } from '../model.js';

export interface ReceivedMail {
  readonly to: readonly string[];
  readonly from: string;
  readonly subject: string;
  readonly body: string;
  readonly attachments: readonly { readonly filename: string; readonly contentType: string; readonly size: number }[];
}

export async function readMailDrop(mail: readonly DroppedMail[]): Promise<ReceivedMail[]> {
  return Promise.all(
    mail.map(async (m) => {
      const parsed = await simpleParser(Buffer.from(m.raw));
      return {
        to: m.to,
        from: parsed.from?.text ?? '',
        subject: parsed.subject ?? '',
        body: parsed.text ?? '',
        attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, size: a.size })),
      };
    }),
  );
}

function textMatches(got: string, want: string | RegExp, contains: boolean): boolean {
  return typeof want === 'string' ? (contains ? got.includes(want) : got === want) : want.test(got);
}

/** Why `m` is not what `p` asks; undefined when it is. */
function mismatch(p: EmailPattern, m: ReceivedMail): string | undefined {
  if (p.to !== undefined && [...p.to].sort().join(',') !== [...m.to].sort().join(',')) return `to ${m.to.join(', ')}`;
  if (p.from !== undefined && !(typeof p.from === 'string' ? m.from === p.from || m.from.includes(`<${p.from}>`) : p.from.test(m.from))) return `from ${m.from}`;
  if (p.subject !== undefined && !textMatches(m.subject, p.subject, false)) return `subject ${JSON.stringify(m.subject)}`;
  if (p.body !== undefined && !textMatches(m.body, p.body, true)) return `body ${JSON.stringify(m.body.slice(0, 200))}`;
  if (p.attachment === true && m.attachments.length === 0) return 'no attachment';
  if (p.attachment === false && m.attachments.length > 0) return `attachments ${m.attachments.map((a) => a.filename).join(', ')}`;
  if (p.attachment !== undefined && typeof p.attachment !== 'boolean') {
    const want = p.attachment;
    if (!m.attachments.some((a) => textMatches(a.filename, want, false))) return `attachments [${m.attachments.map((a) => a.filename).join(', ')}]`;
  }
  return undefined;
}

export function emailFindings(patterns: readonly EmailPattern[], mail: readonly ReceivedMail[]): string[] {
  let from = 0;
  for (const [i, p] of patterns.entries()) {
    const index = mail.findIndex((m, k) => k >= from && mismatch(p, m) === undefined);
    if (index < 0) {
      const near = mail.slice(from).map((m) => `  ${m.subject} to ${m.to.join(', ')}: ${mismatch(p, m)}`);
      return [`e-mail ${i + 1} ${p.text}: none of the ${mail.length - from} e-mail${mail.length - from === 1 ? '' : 's'} left matches${near.length > 0 ? `\n${near.join('\n')}` : ''}`];
    }
    from = index + 1;
  }
  return [];
}
