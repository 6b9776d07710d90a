import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The real node-hid and onoff packages against faked devices: umockdev-run preloads a library
 * that serves /sys and /dev from a test bed, so this runs without hardware or kernel modules.
 * The preload must be in place at process start, hence a child process (umockdev-child.ts).
 */
const UMOCKDEV_INSTALL = "umockdev-run not found: apt-get install -y umockdev";
const CHILD = join(import.meta.dirname, "umockdev-child.ts");

/** Standard 63-byte boot-keyboard report descriptor (PROTOCOLS.md §6). */
const BOOT_KEYBOARD = Buffer.from(
  "05010906A101050719E029E71500250175019508810295017508810195057501050819012905910295017503910195067508150025650507190029658100C0",
  "hex",
);

/** A keyboard-wedge badge reader (VID ffff, PID 0035) on USB, as udev describes it. */
const READER_SYSFS = `P: /devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/0003:FFFF:0035.0001/hidraw/hidraw0
N: hidraw0
E: DEVNAME=/dev/hidraw0
E: MAJOR=240
E: MINOR=0
E: SUBSYSTEM=hidraw
A: dev=240:0\\n
L: device=../../../0003:FFFF:0035.0001

P: /devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/0003:FFFF:0035.0001
E: DRIVER=hid-generic
E: HID_ID=0003:0000FFFF:00000035
E: HID_NAME=Test Badge Reader
E: HID_UNIQ=0001
E: SUBSYSTEM=hid
H: report_descriptor=${BOOT_KEYBOARD.toString("hex").toUpperCase()}

P: /devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0
E: DEVTYPE=usb_interface
E: DRIVER=usbhid
E: SUBSYSTEM=usb
A: bInterfaceNumber=00\\n

P: /devices/pci0000:00/0000:00:14.0/usb1/1-1
E: DEVTYPE=usb_device
E: DRIVER=usb
E: SUBSYSTEM=usb
A: idProduct=0035\\n
A: idVendor=ffff\\n
A: bcdDevice=0100\\n
A: manufacturer=Test\\n
A: product=Badge Reader\\n
A: serial=0001\\n
`;

/** HIDIOCGRDESC answers with struct hidraw_report_descriptor: u32 size, then 4096 value bytes. */
function readerIoctl(): string {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(BOOT_KEYBOARD.length);
  const desc = Buffer.concat([size, BOOT_KEYBOARD, Buffer.alloc(4096 - BOOT_KEYBOARD.length)]);
  return `@DEV /dev/hidraw0\nHIDIOCGRDESCSIZE 0 ${size.toString("hex")}\nHIDIOCGRDESC 0 ${desc.toString("hex")}\n`;
}

/** Boot-keyboard usage ids: '1'..'9' = 0x1E..0x26, '0' = 0x27, Enter = 0x28. */
const usage = (ch: string) => (ch === "\n" ? 0x28 : ch === "0" ? 0x27 : 0x1d + Number(ch));

/** Each key: a key-down report then an all-zero release, as the reader sends them. */
function cardReports(card: string): Buffer {
  return Buffer.concat([...card].flatMap((ch) => [Buffer.from([0, 0, usage(ch), 0, 0, 0, 0, 0]), Buffer.alloc(8)]));
}

/** umockdev script: bytes below 0x20 as caret escapes (^@ = 0x00), '^' itself as ^`. */
function readerScript(reports: Buffer): string {
  const esc = (b: number) => (b < 0x20 ? "^" + String.fromCharCode(b + 0x40) : b === 0x5e ? "^`" : String.fromCharCode(b));
  const lines = ["d 0 /dev/hidraw0"];
  for (let i = 0; i < reports.length; i += 8) lines.push(`r 5 ${[...reports.subarray(i, i + 8)].map(esc).join("")}`);
  return lines.join("\n") + "\n";
}

function runChild(umockdevArgs: string[], childArgs: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn("umockdev-run", [...umockdevArgs, "--", process.execPath, "--import", "tsx", CHILD, ...childArgs], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const last = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`child exited ${code} without a result: ${out}${err}`));
      }
    });
  });
}

describe("real node-hid and onoff under umockdev", () => {
  let dir: string;

  beforeAll(async () => {
    if (spawnSync("umockdev-run", ["--help"], { stdio: "ignore" }).error) throw new Error(UMOCKDEV_INSTALL);
    dir = await mkdtemp(join(tmpdir(), "umockdev-"));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("an HID lease opens the badge reader by vendor/product id and delivers its input reports", async () => {
    const reports = cardReports("0012345678\n");
    await writeFile(join(dir, "reader.umockdev"), READER_SYSFS);
    await writeFile(join(dir, "reader.ioctl"), readerIoctl());
    await writeFile(join(dir, "reader.script"), readerScript(reports));
    const result = await runChild(
      ["-d", join(dir, "reader.umockdev"), "-i", `/dev/hidraw0=${join(dir, "reader.ioctl")}`, "-s", `/dev/hidraw0=${join(dir, "reader.script")}`],
      ["hid", String(reports.length)],
    );
    expect(result).toEqual({ state: "open", key: "hid:ffff:0035", data: reports.toString("hex"), loads: 1 });
  });

  it("a GPIO lease drives a relay through sysfs at the chip's real base (gpiochip0 = 512, line 17 = gpio529)", async () => {
    const result = await runChild([], ["gpio"]);
    expect(result).toEqual({ value: "1", direction: "out", readBack: 1, unexported: "529", loads: 1 });
  });
});
