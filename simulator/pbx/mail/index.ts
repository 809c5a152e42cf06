export { composeNotification, formatMailDate, type ComposedMail, type Notification, type NotificationAttachment } from './compose.js';
export { MailDrop, type DroppedMail } from './mail-drop.js';
export { mailConfigSchema, type MailConfig, type RetryConfig, type SmtpConfig } from './mail-config.js';
export { Outbox, outboxId, type MailDelivery, type MailEventMap, type MailEventPublisher, type OutboxEntry, type OutboxMedium, type OutboxOptions, type OutboxState } from './outbox.js';
export { SmtpDelivery } from './smtp-delivery.js';
export { renderTemplate, templateProblem, type TemplateKind } from './templates.js';
export { notifyDeposits } from './voicemail-notifier.js';
