import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/logger.js";

describe("logger", () => {
  it("writes JSON lines and redacts secrets at any usual depth, but not ordinary keys", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ level: "info", destination }).child({ subsystem: "uplink" });
    log.info(
      {
        password: "p0",
        uplink: { password: "p1", tls: { key: "-----BEGIN PRIVATE KEY-----" } },
        device: { options: { scbk: "000102" } },
        api: { tokens: { a: { token: "t3" } } },
        transport: { key: "/dev/ttyUSB0" },
      },
      "connecting",
    );
    const rec = JSON.parse(lines[0]!) as Record<string, any>;
    expect(rec.msg).toBe("connecting");
    expect(rec.subsystem).toBe("uplink");
    expect(rec.password).toBe("[redacted]");
    expect(rec.uplink.password).toBe("[redacted]");
    expect(rec.uplink.tls.key).toBe("[redacted]");
    expect(rec.device.options.scbk).toBe("[redacted]");
    expect(rec.api.tokens.a.token).toBe("[redacted]");
    expect(rec.transport.key).toBe("/dev/ttyUSB0");
    expect(lines.join("")).not.toMatch(/p0|p1|PRIVATE KEY|000102|t3/);
  });
});
