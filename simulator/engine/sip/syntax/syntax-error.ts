/**
 * The error the grammar functions throw internally. The message parser catches it and turns it
 * into a `SipParseError` value: parsing never lets an exception escape for any input.
 */
export class SipSyntaxError extends Error {
  constructor(
    message: string,
    /** Column (0-based) in the text being parsed, when known. */
    readonly column?: number,
  ) {
    super(message);
    this.name = 'SipSyntaxError';
  }
}
