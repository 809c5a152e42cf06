/** Shortening labels to the room a diagram has for them. */

/** `text` cut to at most `max` characters, the last one `…` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 0 ? '' : `${text.slice(0, max - 1)}…`;
}
