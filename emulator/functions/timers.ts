/**
 * The timer globals of one call. vm2's own timers outlive the call that set them; App Services
 * ends a call when its function settles, so these are tracked and cleared when the call ends.
 */
type Handle = NodeJS.Timeout | NodeJS.Immediate;
type Callback = (...args: unknown[]) => unknown;

export class CallTimers {
  /** Every pending handle, and whether it is an immediate (they have their own clear function). */
  private readonly handles = new Map<Handle, 'timer' | 'immediate'>();

  globals(): Record<string, unknown> {
    return {
      setTimeout: (callback: unknown, delay?: number, ...args: unknown[]) =>
        this.track(callable(callback), args, 'timer', true, (run) => setTimeout(run, delay)),
      setInterval: (callback: unknown, delay?: number, ...args: unknown[]) =>
        this.track(callable(callback), args, 'timer', false, (run) => setInterval(run, delay)),
      setImmediate: (callback: unknown, ...args: unknown[]) => this.track(callable(callback), args, 'immediate', true, (run) => setImmediate(run)),
      clearTimeout: (handle: unknown) => this.clear(handle as Handle),
      clearInterval: (handle: unknown) => this.clear(handle as Handle),
      clearImmediate: (handle: unknown) => this.clear(handle as Handle),
    };
  }

  clearAll(): void {
    for (const handle of [...this.handles.keys()]) this.clear(handle);
  }

  private track(callback: Callback, args: unknown[], kind: 'timer' | 'immediate', once: boolean, start: (run: () => void) => Handle): Handle {
    const handle: Handle = start(() => {
      if (once) this.handles.delete(handle);
      callback(...args);
    });
    this.handles.set(handle, kind);
    return handle;
  }

  private clear(handle: Handle): void {
    const kind = this.handles.get(handle);
    if (!kind) return;
    this.handles.delete(handle);
    if (kind === 'immediate') clearImmediate(handle as NodeJS.Immediate);
    else clearTimeout(handle as NodeJS.Timeout);
  }
}

function callable(callback: unknown): Callback {
  if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function');
  return callback as Callback;
}
