/**
 * The voicemail application (simulator/pbx/README.md "Voicemail"; the Leucotron v-mailer manual;
 * ARCHITECTURE.md "Applications"): the route target kind `voicemail`, its configuration keys and
 * its per-PBX service, the mailbox store.
 */
import type { RouteTargetProvider } from '../../core/application.js';
import type { ApplicationModule } from '../application-module.js';
import { VoicemailService } from './voicemail-service.js';

export const voicemailProvider: RouteTargetProvider = {
  kind: 'voicemail',
  numbers: () => [],
  start(_ctx, call) {
    call.finish({ disposition: 'failed', status: 480 });
  },
};

export const voicemailModule: ApplicationModule = {
  provider: voicemailProvider,
  ownedNumbers: () => [],
  attach: (ctx) => new VoicemailService(ctx),
};

export { voicemailConfigShape, NOTIFY_MODES, type NotifyMode, type MailboxSettings, type VoicemailSystemConfig } from './voicemail-schema.js';
export { MailboxStore, type MailboxCounts, type DepositRequest, type AudioInProgress } from './mailbox-store.js';
export { mailboxesOf, type Mailbox } from './mailboxes.js';
export { DEPOSIT_REASONS, type DepositReason, type VoicemailMessage } from './voicemail-message.js';
export { VoicemailService } from './voicemail-service.js';
