/**
 * The error a configuration file (PBX config, scenario) fails with: every problem found, each at
 * its `file:line:column` (1-based), sorted by position, so that one run shows them all
 * (ARCHITECTURE.md, "Scenarios": "a bad file gets every error with file:line:column and a hint").
 */

export interface ConfigIssue {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly message: string;
}

export const formatIssue = (i: ConfigIssue): string => `${i.file}:${i.line}:${i.column}: ${i.message}`;

/** Sorted by file, line, column, then message; exact duplicates dropped. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const sorted = [...issues].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
  return sorted.filter((i, n) => n === 0 || formatIssue(i) !== formatIssue(sorted[n - 1]!));
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const sorted = sortIssues(issues);
    super(sorted.map(formatIssue).join('\n'));
    this.issues = sorted;
  }
}
