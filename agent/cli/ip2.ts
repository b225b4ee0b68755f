#!/usr/bin/env node
/**
 * `ip2`: the command line. It finds the command, parses its options, and maps errors to exit
 * codes (0 ok, 2 bad input with one line on stderr, 1 other failure). It decides nothing else.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dispatch } from './dispatch.ts';

const self = fileURLToPath(import.meta.url);
const invoked = process.argv[1] === undefined ? '' : safeRealpath(process.argv[1]);
if (invoked === self || invoked === safeRealpath(self)) {
  const code = await dispatch(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
  process.exitCode = code;
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
