import type { Db } from "../store/db.js";
import type { CommandResponse } from "./payloads.js";

export type CommandRecord =
  | { state: "running"; name: string; receivedAt: number }
  | { state: "done"; name: string; receivedAt: number; response: CommandResponse };

/**
 * Central commands by command id (table `uplink_command`). A command is written as `running`
 * (a durable commit) *before* it executes and as `done` with its response afterwards, so a
 * redelivered command — MQTT QoS 1 redelivers after a reconnect, central retries on timeout —
 * is answered from here and never executed twice, not even across a daemon crash.
 */
export class CommandStore {
  private readonly getStmt;
  private readonly startStmt;
  private readonly finishStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { name: string; received_at: number; state: string; response: string | null }>(
      "SELECT name, received_at, state, response FROM uplink_command WHERE command_id = ?",
    );
    this.startStmt = db.prepare("INSERT INTO uplink_command (command_id, name, received_at, state) VALUES (?, ?, ?, 'running')");
    this.finishStmt = db.prepare("INSERT INTO uplink_command (command_id, name, received_at, state, response) VALUES (?, ?, ?, 'done', ?) ON CONFLICT(command_id) DO UPDATE SET state = 'done', response = excluded.response");
  }

  get(commandId: string): CommandRecord | undefined {
    const row = this.getStmt.get(commandId);
    if (!row) return undefined;
    if (row.state === "done" && row.response !== null) {
      return { state: "done", name: row.name, receivedAt: row.received_at, response: JSON.parse(row.response) as CommandResponse };
    }
    return { state: "running", name: row.name, receivedAt: row.received_at };
  }

  /** Claim the id; false when it was already claimed (by this run or one before a crash). */
  start(commandId: string, name: string, receivedAt: number): boolean {
    try {
      this.startStmt.run(commandId, name, receivedAt);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") return false;
      throw err;
    }
  }

  finish(commandId: string, name: string, receivedAt: number, response: CommandResponse): void {
    this.finishStmt.run(commandId, name, receivedAt, JSON.stringify(response));
  }
}
