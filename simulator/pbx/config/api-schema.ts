/**
 * Who may use the HTTP API of `pbxlab serve` (v-mailer: "O administrador tem acesso aos recados de
 * todos os ramais"; a user sees only their own mailbox): bearer tokens, each either the
 * administrator's or one extension's.
 */
import { z } from 'zod';
import { list, rec, str, type Fields } from './raw-fields.js';
import type { Report } from './cross-checks.js';

const tokenSchema = z.union(
  [
    z.strictObject({ token: z.string().min(8), role: z.literal('admin') }),
    z.strictObject({ token: z.string().min(8), extension: z.string().regex(/^\d{2,10}$/) }),
  ],
  { error: 'a token is `{ token, role: admin }` or `{ token, extension: "NUMBER" }` (tokens of at least 8 characters)' },
);

export const apiSchema = z.strictObject({
  tokens: z.array(tokenSchema).default([]),
});

export type ApiConfig = z.output<typeof apiSchema>;
export type ApiToken = ApiConfig['tokens'][number];

/** A token used twice, or given to an extension that does not exist. */
export function checkApiTokens(config: Fields, extensionNumbers: readonly string[], report: Report): void {
  const seen = new Set<string>();
  list(rec(config.api).tokens)
    .map(rec)
    .forEach((t, i) => {
      const token = str(t.token);
      if (token !== undefined) {
        if (seen.has(token)) report(['api', 'tokens', i, 'token'], 'this token is already given to another user');
        seen.add(token);
      }
      const extension = str(t.extension);
      if (extension !== undefined && !extensionNumbers.includes(extension)) report(['api', 'tokens', i, 'extension'], `no extension ${extension}`);
    });
}
