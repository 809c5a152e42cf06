/** Times as the reports print them: scenario clock readings and durations. */

/** Scenario ms as `HH:MM:SS.mmm` (hours grow past two digits on long runs). */
export function formatScenarioTime(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor(total / 60_000) % 60;
  const seconds = Math.floor(total / 1000) % 60;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(total % 1000, 3)}`;
}

/** Milliseconds as seconds with three decimals (`1.250`), as JUnit's `time` attributes want them. */
export function formatSeconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}
