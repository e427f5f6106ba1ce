import type { Disposable } from './disposable';

/** Subscribes a listener; the returned disposable unsubscribes it. Shaped like vscode.Event on purpose. */
export type Event<T> = (listener: (e: T) => void) => Disposable;

/**
 * A tiny event emitter of our own so core code never depends on vscode.EventEmitter. Owners keep the
 * emitter private and expose `emitter.event` as a readonly `onDidX`.
 */
export class Emitter<T> implements Disposable {
  private listeners: Array<(e: T) => void> = [];
  private disposed = false;

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return { dispose: () => undefined };
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  /**
   * Delivers to the listeners subscribed when it starts, so a listener that unsubscribes (or subscribes
   * another) during delivery is safe. No copy is needed for that: unsubscribing replaces the array, and
   * subscribing appends past the length read here.
   */
  fire(e: T): void {
    const listeners = this.listeners;
    for (let i = 0, n = listeners.length; i < n; i++) listeners[i](e);
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}
