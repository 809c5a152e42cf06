/**
 * What the voicemail application keeps for the life of one PBX (ARCHITECTURE.md "Applications"):
 * the mailbox store. Other parts reach it with `pbx.service<VoicemailService>('voicemail')` (the
 * HTTP API, the e-mail notifier) and subscribe to the store's events on `pbx.events`.
 */
import type { ApplicationContext, ApplicationService } from '../../core/application.js';
import { MailboxStore } from './mailbox-store.js';

export class VoicemailService implements ApplicationService {
  readonly store: MailboxStore;

  constructor(ctx: ApplicationContext) {
    this.store = new MailboxStore(ctx.storage, ctx.config, ctx.events);
  }

  close(): void {}
}
