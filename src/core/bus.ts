/**
 * Typed, synchronous in-process event bus. Synchronous on purpose: ordering per producer is
 * preserved end to end, and the actuation path never waits on a queue hop. A throwing
 * listener is reported to `onListenerError` and never stops delivery to the others.
 */
export type Listener<T> = (payload: T) => void;

export class TypedBus<M extends { [K in keyof M]: unknown }> {
  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (topic: string, err: unknown) => void = () => {}) {}

  on<K extends keyof M>(topic: K, listener: Listener<M[K]>): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set!.delete(listener as Listener<never>);
    };
  }

  emit<K extends keyof M>(topic: K, payload: M[K]): void {
    const set = this.listeners.get(topic);
    if (!set) return;
    for (const l of set) {
      try {
        (l as Listener<M[K]>)(payload);
      } catch (err) {
        this.onListenerError(String(topic), err);
      }
    }
  }

  listenerCount<K extends keyof M>(topic: K): number {
    return this.listeners.get(topic)?.size ?? 0;
  }
}
