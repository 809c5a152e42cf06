/** SIP dialogs (RFC 3261 section 12) and the dialog set of a forked INVITE (13.2.2.4). */
export { dialogKey, sameDialogId, type DialogId } from './dialog-id.js';
export {
  Dialog,
  TARGET_REFRESH_METHODS,
  type DialogInit,
  type DialogOptions,
  type DialogRequestVerdict,
  type DialogRole,
  type DialogState,
  type InDialogRequestOptions,
} from './dialog.js';
export { DialogSet } from './dialog-set.js';
