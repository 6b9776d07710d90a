/**
 * The physical side of a simulated door controller: what people and the building do to it.
 * Tests, the bench and the demo simulator reach a running controller by its device id.
 */
export interface SimDoorPanel {
  readonly deviceId: string;
  /** Someone opens the door (with or without it being unlocked: forcing is just opening). */
  open(contact: string): void;
  close(contact: string): void;
  /** A press of the exit button (true for `ms`, then false). */
  pressExit(button: string, ms?: number): void;
  /** A panel input changes (fire relay, lockdown key switch, panic button). */
  setInput(name: string, active: boolean): void;
  /** The controller drops off the bus; with `power`, it loses power and its locks go to their power-loss state. */
  goOffline(power?: boolean): void;
  /** Back on the bus: reports availability and every point (read-back). */
  goOnline(): void;
  /** What is physically true now (locks, contacts, inputs). */
  physical(): Record<string, unknown>;
  /** Commands as they reached the controller: performance.now() at entry, for latency measurements. */
  readonly received: ReadonlyArray<{ readonly at: number; readonly id: string; readonly values: Readonly<Record<string, unknown>> }>;
}

const panels = new Map<string, SimDoorPanel>();

export function registerPanel(panel: SimDoorPanel): () => void {
  panels.set(panel.deviceId, panel);
  return () => {
    if (panels.get(panel.deviceId) === panel) panels.delete(panel.deviceId);
  };
}

/** The running simulated controller with this device id, if any. */
export function simDoorPanel(deviceId: string): SimDoorPanel | undefined {
  return panels.get(deviceId);
}
