import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** Issue a client certificate (PEM texts) with this CN, signed by the test CA. */
  client(cn: string): { cert: string; key: string };
}

const OPENSSL = "/usr/bin/openssl";

/** A throw-away CA, a server certificate for 127.0.0.1 and client certificates, made with openssl. */
export function makeTestPki(dir: string): TestPki {
  if (!existsSync(OPENSSL)) throw new Error("openssl not found: apt-get install -y openssl");
  const run = (...args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  run("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=custody-edge test CA");
  const issue = (name: string, cn: string, ext: string) => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    run("req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`);
    run("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`);
    return { cert: readFileSync(join(dir, `${name}.crt`), "utf8"), key: readFileSync(join(dir, `${name}.key`), "utf8") };
  };
  const server = issue("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  return {
    dir,
    caCert: readFileSync(join(dir, "ca.crt"), "utf8"),
    serverCert: server.cert,
    serverKey: server.key,
    client: (cn) => issue(`client-${cn}`, cn, "extendedKeyUsage=clientAuth\n"),
  };
}
