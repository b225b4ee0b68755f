import { dispatch } from '../../agent/cli/dispatch.ts';

/** Runs `ip2` in-process, capturing stdout, stderr and the exit status. */
export async function ip2(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await dispatch(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { ...env },
    cwd: process.cwd(),
  });
  return { code, out, err };
}
