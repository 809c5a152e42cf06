#!/usr/bin/env node
/** The `pbxlab` executable. */
import { runCli } from './program.js';

// Exit at once: transaction timers (Timer J, L, M: 32 s) left by a finished run must not hold the
// process open. stdout and stderr are synchronous for files and pipes on Linux, so nothing is lost.
process.exit(await runCli(process.argv.slice(2)));
