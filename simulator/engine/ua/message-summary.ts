/**
 * The `message-summary` event package body (RFC 3842 section 5.2,
 * `application/simple-message-summary`): whether messages wait, the account, and the voice
 * messages as new/old (urgent new/urgent old; this PBX has no urgent messages).
 */
import type { SipBody } from './body.js';

export interface MessageCounts {
  readonly new: number;
  readonly old: number;
}

export const MESSAGE_SUMMARY_EVENT = 'message-summary';
export const MESSAGE_SUMMARY_TYPE = 'application/simple-message-summary';

export function messageSummary(account: string, counts: MessageCounts): SipBody {
  const content = [`Messages-Waiting: ${counts.new > 0 ? 'yes' : 'no'}`, `Message-Account: ${account}`, `Voice-Message: ${counts.new}/${counts.old} (0/0)`, ''].join('\r\n');
  return { contentType: MESSAGE_SUMMARY_TYPE, content };
}

/** The counts a message-summary body gives (voice messages; undefined when it has no such line). */
export function parseMessageSummary(content: string): { waiting: boolean; new: number; old: number } | undefined {
  const waiting = /^Messages-Waiting:\s*(yes|no)\s*$/im.exec(content)?.[1]?.toLowerCase();
  if (waiting === undefined) return undefined;
  const voice = /^Voice-Message:\s*(\d+)\/(\d+)/im.exec(content);
  return { waiting: waiting === 'yes', new: Number(voice?.[1] ?? 0), old: Number(voice?.[2] ?? 0) };
}
