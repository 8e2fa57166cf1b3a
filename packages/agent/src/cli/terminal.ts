/* eslint-disable no-console -- the CLI's user-facing output: the one place that writes to stdout/stderr directly (logs go through pino to stderr). */
import { createInterface } from 'node:readline/promises';
import type { ConsoleSink } from '../progress/console-reporter.js';

/** The process's terminal as the console reporter's sink. */
export function terminalSink(): ConsoleSink {
  const isTty = process.stdout.isTTY === true;
  return {
    isTty,
    write: (text) => {
      process.stdout.write(text);
    },
    prompt: process.stdin.isTTY ? askOnTerminal : undefined,
  };
}

async function askOnTerminal(question: string, signal: AbortSignal): Promise<string> {
  const readline = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await readline.question(question, { signal });
  } finally {
    readline.close();
  }
}

/** A line for the user on stdout. */
export function printLine(text: string): void {
  console.log(text);
}

/** A problem for the user on stderr. */
export function printError(text: string): void {
  console.error(text);
}
