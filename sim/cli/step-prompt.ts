// The terminal side of `zabsim run <name> --step`: waits for a line typed at the terminal.
// The run is synchronous (a scenario's steps are callbacks of one loop), so the wait is a blocking
// read. It reads the controlling terminal through its own file (/dev/tty), not through fd 0: a
// terminal's stdin is often non-blocking (Node's tty stream sets O_NONBLOCK on it, and tmux or a
// parent process may have too), and a read on it then fails with EAGAIN at once instead of waiting.
// A fresh open of /dev/tty is a new open file description, blocking whatever fd 0's flags say.
// Should a read still answer EAGAIN (no /dev/tty, fd 0 non-blocking), it sleeps briefly and reads
// again rather than going on.
import { closeSync, openSync, readSync } from 'node:fs';
import { isatty } from 'node:tty';

export type StepAnswer = 'continue' | 'quit';

/** Whether `--step` should wait: stdin is a terminal. Asked of the fd, not of process.stdin,
 * whose tty stream would switch the descriptor to non-blocking mode. */
export function stdinIsTerminal(): boolean {
  return isatty(0);
}

const SLEEP = new Int32Array(new SharedArrayBuffer(4));

export class TerminalPrompt {
  private fd: number | undefined;
  private ownFd = false;

  /** Blocks until a line arrives: `q` (or `quit`) quits, anything else continues; end of input quits. */
  waitForLine(): StepAnswer {
    const fd = this.open();
    const buf = Buffer.alloc(256);
    let line = '';
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          Atomics.wait(SLEEP, 0, 0, 20);
          continue;
        }
        if (code === 'EINTR') continue;
        throw error;
      }
      if (n === 0) return 'quit';
      line += buf.toString('utf8', 0, n);
      const end = line.indexOf('\n');
      if (end >= 0) return /^\s*q(uit)?\s*$/i.test(line.slice(0, end)) ? 'quit' : 'continue';
    }
  }

  close(): void {
    if (this.ownFd && this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.ownFd = false;
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    try {
      this.fd = openSync('/dev/tty', 'r');
      this.ownFd = true;
    } catch {
      this.fd = 0;
    }
    return this.fd;
  }
}
