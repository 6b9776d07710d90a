import { SerialPort } from "serialport";

/** The device end of a socat PTY pair, streaming: bytes in through `onData`, `write` to answer. */
export interface PtyDevice {
  write(data: Buffer): void;
  close(): Promise<void>;
}

export async function openPtyDevice(path: string, onData: (chunk: Buffer) => void): Promise<PtyDevice> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on("error", () => {}); // the cable is pulled on purpose
  port.on("data", onData);
  return {
    write: (data) => {
      if (port.isOpen) port.write(data);
    },
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
