/**
 * The terminal narration: numbered steps, indented facts, honest "(coming: …)" lines, and a
 * progress indicator around each wait (a spinner with the elapsed time on a terminal, one line
 * before and one after otherwise, so CI logs stay readable).
 */
import { DemoError } from './errors.ts';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Out {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export class Narrator {
  #step = 0;
  #closed = false;
  constructor(readonly out: Out) {}

  /**
   * After a stop: a walk-through step still in flight prints nothing more, and its next wait
   * throws STOPPED so that it ends. `final` still prints.
   */
  close(): void {
    this.#closed = true;
  }

  final(text: string): void {
    this.out.write(`   ${text}\n`);
  }

  #write(text: string): void {
    if (!this.#closed) this.out.write(text);
  }

  get tty(): boolean {
    return this.out.isTTY === true;
  }

  #style(code: string, text: string): string {
    return this.tty ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  step(title: string): void {
    this.#step += 1;
    this.#write(`\n${this.#style('1', `${this.#step}. ${title}`)}\n`);
  }

  say(text: string): void {
    this.#write(`${text.split('\n').map((l) => `   ${l}`).join('\n')}\n`);
  }

  ok(text: string): void {
    this.#write(`   ${this.#style('32', '✓')} ${text}\n`);
  }

  refused(text: string): void {
    this.#write(`   ${this.#style('33', '✗')} ${text}\n`);
  }

  coming(text: string): void {
    this.#write(`   ${this.#style('2', `(coming: ${text})`)}\n`);
  }

  /** Runs `work` with a progress indicator; `label` may be updated through `progress`. */
  async wait<T>(label: string, work: (progress: (text: string) => void) => Promise<T>): Promise<T> {
    if (this.#closed) throw new DemoError('STOPPED', `not starting "${label}": stopping`);
    const t0 = Date.now();
    let text = label;
    let frame = 0;
    const secs = (): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    const draw = (): void => {
      frame = (frame + 1) % FRAMES.length;
      this.#write(`\r\x1b[2K   ${FRAMES[frame] ?? ''} ${text} (${secs()})`);
    };
    const timer = this.tty ? setInterval(draw, 100) : undefined;
    if (!this.tty) this.#write(`   … ${label}\n`);
    try {
      const v = await work((t) => {
        text = t;
      });
      if (timer !== undefined) this.#write('\r\x1b[2K');
      this.ok(`${text} (${secs()})`);
      return v;
    } catch (err) {
      if (timer !== undefined) this.#write('\r\x1b[2K');
      this.refused(`${text}: failed after ${secs()}`);
      throw err;
    } finally {
      if (timer !== undefined) clearInterval(timer);
    }
  }
}
