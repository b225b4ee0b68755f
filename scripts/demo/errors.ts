/** Errors of the demo launcher and walk-through, with a stable `code`. */
export type DemoErrorCode = 'TIMEOUT' | 'PROCESS_EXITED' | 'COMMAND_FAILED' | 'UNEXPECTED' | 'BAD_OUTPUT' | 'STOPPED';

export class DemoError extends Error {
  override readonly name = 'DemoError';
  constructor(readonly code: DemoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
