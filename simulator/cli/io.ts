/** The process streams a command writes to, injectable so that tests run commands in-process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<Uint8Array>;
  /** An interactive terminal (progress bars); false in CI and when piped. */
  readonly terminal?: boolean;
}

export const processIO: CliIO = {
  terminal: process.stderr.isTTY === true && process.env.CI === undefined,
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  },
};

/** Exit statuses shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage error: reported on stderr, exit status 2. */
export class UsageError extends Error {}
