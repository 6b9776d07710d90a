import { NotReadyError } from "../core/errors.js";
import type { LeaseState, TransportLease } from "./lease.js";

/**
 * Resolves when the lease reaches `want` (at once if it is there already). Rejects with
 * NotReadyError after `timeoutMs`, naming the transport's last error, so a driver's start()
 * can simply `await whenState(lease, "open", { timeoutMs, signal })` and let the core retry.
 */
export function whenState(
  lease: Pick<TransportLease, "key" | "state" | "lastError" | "onStateChange">,
  want: LeaseState,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  if (lease.state === want) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    let timer: NodeJS.Timeout | undefined;
    const done = (err?: unknown) => {
      off();
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onAbort = () => done(opts.signal!.reason);
    const off = lease.onStateChange((s) => {
      if (s === want) done();
    });
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        const why = lease.lastError ? `: ${lease.lastError.message}` : "";
        done(new NotReadyError(`transport ${lease.key} not ${want} after ${opts.timeoutMs} ms (state ${lease.state})${why}`));
      }, opts.timeoutMs);
    }
    opts.signal?.addEventListener("abort", onAbort, { once: true });
  });
}
