import type { Logger } from "./logger.js";

/** A start/stop unit of the daemon (store, transports, drivers, engines, APIs). */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  /** Must settle; the lifecycle gives each component a share of the stop deadline. */
  stop(): Promise<void>;
}

/**
 * Starts components in order and stops the started ones in reverse. A failed start stops
 * what already started and rethrows. `stop` is idempotent and bounded by a deadline: a component
 * that hangs is abandoned (logged) so the process can still exit for systemd to restart it.
 */
export class Lifecycle {
  private readonly started: Component[] = [];
  private stopping: Promise<boolean> | null = null;

  constructor(
    private readonly components: readonly Component[],
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    for (const c of this.components) {
      if (this.stopping) throw new Error("stopped during start");
      const t0 = performance.now();
      try {
        await c.start();
      } catch (err) {
        this.log.error({ err, component: c.name }, "component failed to start");
        await this.stop(5000);
        throw err;
      }
      this.started.push(c);
      this.log.debug({ component: c.name, ms: Math.round(performance.now() - t0) }, "component started");
    }
  }

  /** Resolves true when every component stopped within the deadline. */
  stop(deadlineMs: number): Promise<boolean> {
    this.stopping ??= this.stopAll(deadlineMs);
    return this.stopping;
  }

  private async stopAll(deadlineMs: number): Promise<boolean> {
    const end = performance.now() + deadlineMs;
    let clean = true;
    for (const c of [...this.started].reverse()) {
      const left = Math.max(50, end - performance.now());
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        c.stop().then(
          () => "ok" as const,
          (err: unknown) => {
            this.log.error({ err, component: c.name }, "component failed to stop");
            return "error" as const;
          },
        ),
        new Promise<"timeout">((r) => {
          timer = setTimeout(() => r("timeout"), left);
        }),
      ]);
      clearTimeout(timer);
      if (outcome === "timeout") this.log.error({ component: c.name, ms: Math.round(left) }, "component did not stop in time");
      if (outcome !== "ok") clean = false;
    }
    this.started.length = 0;
    return clean;
  }
}
