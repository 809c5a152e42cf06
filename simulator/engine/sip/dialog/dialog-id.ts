/**
 * The dialog identifier (RFC 3261 section 12): Call-ID, local tag and remote tag, seen from the
 * UA that holds the dialog. Compared byte-by-byte, as peers echo tags and Call-IDs unchanged.
 */
export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

/** An unambiguous map key for a dialog identifier. */
// NUL cannot occur in a Call-ID (word) or a tag (token or quoted-string), so the join is unambiguous.
export const dialogKey = (id: DialogId): string => `${id.callId}\u0000${id.localTag}\u0000${id.remoteTag}`;

export const sameDialogId = (a: DialogId, b: DialogId): boolean =>
  a.callId === b.callId && a.localTag === b.localTag && a.remoteTag === b.remoteTag;
