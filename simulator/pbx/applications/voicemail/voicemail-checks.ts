/**
 * Voicemail's checks of the raw PBX configuration (simulator/pbx/README.md "Voicemail"), at the
 * offending node: a forward to `voicemail` from an extension without a mailbox, and a watched
 * mailbox that does not exist.
 */
import { didYouMean } from '../../../config/did-you-mean.js';
import { VOICEMAIL_TARGET } from '../../config/dial-strings.js';
import { list, rec, str, type Fields } from '../../config/raw-fields.js';
import type { ConfigReport } from '../application-module.js';

export function checkVoicemail(raw: Fields, report: ConfigReport): void {
  const extensions = list(raw.extensions).map(rec);
  const hasMailbox = (e: Fields): boolean => rec(e.features).voicemail !== false;
  const mailboxes = extensions.filter(hasMailbox).map((e) => str(e.number)).filter((n) => n !== undefined);
  extensions.forEach((extension, i) => {
    const forward = rec(extension.forward);
    const targets: [unknown, PropertyKey[]][] = [
      [forward.unconditional, ['unconditional']],
      [forward.busy, ['busy']],
      [rec(forward.noAnswer).to, ['noAnswer', 'to']],
    ];
    for (const [target, path] of targets) {
      if (target === VOICEMAIL_TARGET && !hasMailbox(extension)) report(['extensions', i, 'forward', ...path], `extension ${str(extension.number) ?? '?'} has no mailbox (\`features.voicemail: false\`), so it cannot forward to ${VOICEMAIL_TARGET}`);
    }
    list(rec(extension.voicemail).watch).forEach((watched, j) => {
      const number = str(watched);
      if (number !== undefined && !mailboxes.includes(number)) report(['extensions', i, 'voicemail', 'watch', j], `no mailbox ${number}${didYouMean(number, mailboxes)}`);
    });
  });
}
