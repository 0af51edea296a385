/**
 * Progress on stderr: a bar with a count, rate and ETA, redrawn in place on a terminal and printed every
 * few seconds otherwise (logs, CI). Quiet mode prints nothing.
 */

export interface Progress {
  /** Advances by `amount` (default 1) and redraws if due. */
  tick(amount?: number, detail?: string): void;
  /** Sets a new total or label (e.g. the next phase) without finishing. */
  update(options: { total?: number; label?: string }): void;
  /** Sets the text after the bar (e.g. the current phase) and redraws if due. */
  detail(text: string): void;
  /** Prints a line of results on `stream` without tearing the bar (cleared, printed, redrawn). */
  print(line: string, stream?: NodeJS.WriteStream): void;
  /** Completes the bar and moves to a new line. */
  done(detail?: string): void;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * @example
 * const bar = progress('epochs', 20);
 * for (…) bar.tick(1, `loss ${loss.toFixed(3)}`);
 * bar.done();
 */
export function progress(label: string, total: number, options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) {
    return { tick: () => undefined, update: () => undefined, detail: () => undefined, print: (line, out = process.stdout) => void out.write(`${line}\n`), done: () => undefined };
  }
  const interactive = stream.isTTY === true;
  const started = Date.now();
  let current = 0;
  let lastDraw = 0;
  let state = { label, total };
  let lastDetail = '';
  const line = (detail: string): string => {
    const elapsed = (Date.now() - started) / 1000;
    const fraction = state.total > 0 ? Math.min(1, current / state.total) : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const eta = current > 0 ? (elapsed / current) * (state.total - current) : Number.NaN;
    return `${state.label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${current}/${state.total} ${(fraction * 100).toFixed(0)}% ${formatSeconds(elapsed)} elapsed, ETA ${formatSeconds(eta)}${detail ? `  ${detail}` : ''}`;
  };
  const draw = (detail: string, force: boolean): void => {
    const now = Date.now();
    if (!force && now - lastDraw < (interactive ? 100 : 5000)) return;
    lastDraw = now;
    stream.write(interactive ? `\r\x1b[2K${line(detail)}` : `${line(detail)}\n`);
  };
  return {
    tick(amount = 1, detail = '') {
      current += amount;
      lastDetail = detail;
      draw(detail, false);
    },
    update(next) {
      state = { label: next.label ?? state.label, total: next.total ?? state.total };
      if (next.total !== undefined) current = Math.min(current, next.total);
      draw(lastDetail, true);
    },
    detail(text) {
      lastDetail = text;
      draw(text, false);
    },
    print(line, out = process.stdout) {
      if (interactive) stream.write('\r\x1b[2K');
      out.write(`${line}\n`);
      if (interactive) draw(lastDetail, true);
    },
    done(detail = lastDetail) {
      current = state.total;
      draw(detail, true);
      if (interactive) stream.write('\n');
    },
  };
}
