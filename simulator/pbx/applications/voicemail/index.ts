/**
 * The voicemail application (simulator/pbx/README.md "Voicemail"; the Leucotron v-mailer manual;
 * ARCHITECTURE.md "Applications"): the route target kind `voicemail` (the forward target, the
 * IVR action and the service codes' menus), its configuration keys and checks, and its per-PBX
 * service: the mailbox store.
 */
import type { ForwardCause, RouteTargetProvider } from '../../core/application.js';
import type { ApplicationModule } from '../application-module.js';
import { checkVoicemail } from './voicemail-checks.js';
import { MailboxMenu } from './mailbox-menu.js';
import { MessageDeposit } from './message-deposit.js';
import type { DepositReason } from './voicemail-message.js';
import { depositNumber, parseVoicemailNumber } from './voicemail-numbers.js';
import { VoicemailService } from './voicemail-service.js';

const REASONS: Record<ForwardCause, DepositReason> = {
  unconditional: 'unconditional',
  busy: 'busy',
  'no-answer': 'no-answer',
  'not-registered': 'not-registered',
  deflected: 'direct',
};

export const voicemailProvider: RouteTargetProvider = {
  kind: 'voicemail',
  numbers: (config) => ['voicemail', ...config.extensions.filter((e) => e.features.voicemail).map((e) => depositNumber(e.number))],
  start(ctx, call) {
    const service = ctx.service<VoicemailService>('voicemail');
    const target = parseVoicemailNumber(call.number);
    if (service === undefined || target === undefined) return call.finish({ disposition: 'failed', status: 404 });
    if (target.kind === 'menu') return new MailboxMenu(ctx, service, call, target.mailbox).start();
    const mailbox = target.mailbox ?? call.forwardedFrom;
    const box = mailbox === undefined ? undefined : service.store.mailbox(mailbox);
    const reason = call.forwardReason === undefined ? 'direct' : REASONS[call.forwardReason];
    if (box === undefined) {
      ctx.events.publish('voicemail-refused', { mailbox: mailbox ?? '', call: call.call, reason, why: 'no-mailbox' });
      return call.finish({ disposition: 'failed', status: 404 });
    }
    new MessageDeposit(ctx, service, call, box, reason).start();
  },
};

export const voicemailModule: ApplicationModule = {
  provider: voicemailProvider,
  ownedNumbers: () => [],
  check: (raw, _known, report) => checkVoicemail(raw, report),
  attach: (ctx) => new VoicemailService(ctx),
};

export { voicemailConfigShape, NOTIFY_MODES, type NotifyMode, type MailboxSettings, type VoicemailSystemConfig } from './voicemail-schema.js';
export { MailboxStore, type MailboxCounts, type DepositRequest, type AudioInProgress } from './mailbox-store.js';
export { mailboxesOf, type Mailbox } from './mailboxes.js';
export { DEPOSIT_REASONS, type DepositReason, type VoicemailMessage } from './voicemail-message.js';
export { VoicemailService } from './voicemail-service.js';
export { depositNumber, menuNumber } from './voicemail-numbers.js';
