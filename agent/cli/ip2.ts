#!/usr/bin/env node
/**
 * `ip2`: the command line's entry point. It hands argv to the dispatcher, which finds the
 * command, parses its options and maps errors to exit codes (0 ok, 2 bad input with one line
 * on stderr, 1 other failure). Nothing imports this file.
 */
import { dispatch } from './dispatch.ts';

dispatch(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ip2: internal error: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
