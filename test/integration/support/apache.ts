import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A private Apache httpd with mod_auth_digest on 127.0.0.1 (see toolchain.md section 5). */
export interface ApacheServer {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  readonly errorLog: () => Promise<string>;
  readonly accessLog: () => Promise<string>;
  readonly stop: () => Promise<void>;
}

export const APACHE_REALM = "MMS Public API";
const APACHE = "/usr/sbin/apache2";
const MODULES = [
  "mpm_event",
  "authn_core",
  "authn_file",
  "authz_core",
  "authz_user",
  "auth_digest",
  "mime",
  "dir",
];

/** Two protected locations: `/secure/` keeps nonces 300 s, `/stale/` only `staleAfterSeconds`. */
function config(dir: string, port: number, staleAfterSeconds: number): string {
  const location = (path: string, lifetime: number) => `<Location ${path}>
  AuthType Digest
  AuthName "${APACHE_REALM}"
  AuthDigestDomain ${path}
  AuthDigestProvider file
  AuthUserFile ${dir}/htdigest
  AuthDigestQop auth
  AuthDigestAlgorithm MD5
  AuthDigestNonceLifetime ${lifetime}
  AuthDigestNcCheck On
  Require valid-user
</Location>`;
  return `ServerRoot "/etc/apache2"
ServerName 127.0.0.1
PidFile ${dir}/run/httpd.pid
DefaultRuntimeDir ${dir}/run
Mutex file:${dir}/run default
${MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join("\n")}
User www-data
Group www-data
Listen 127.0.0.1:${port}
ErrorLog ${dir}/logs/error.log
LogLevel warn auth_digest:debug
CustomLog ${dir}/logs/access.log "%h \\"%r\\" %>s"
TypesConfig /etc/mime.types
DocumentRoot ${dir}/htdocs
<Directory />
  Require all denied
</Directory>
<Directory ${dir}/htdocs>
  Require all granted
</Directory>
AuthDigestShmemSize 64000
${location("/secure/", 300)}
${location("/stale/", staleAfterSeconds)}
`;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`apache2 exited with ${child.exitCode}: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => resolve(true)).on("error", () => resolve(false));
      socket.unref();
      setTimeout(() => socket.destroy(), 100);
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`apache2 did not listen on ${port}: ${stderr()}`);
}

/**
 * Starts Apache in the foreground as a child process with its own config in a temp dir (mode 755: the
 * children run as www-data). `users` maps user names to passwords; `/secure/hello.txt` and `/stale/hello.txt`
 * exist. Stop it with `stop()`.
 */
export async function startApache(
  users: Record<string, string>,
  staleAfterSeconds = 1,
): Promise<ApacheServer> {
  const dir = await mkdtemp(join(tmpdir(), "apache-digest-"));
  await chmod(dir, 0o755);
  for (const sub of ["run", "logs", "htdocs/secure", "htdocs/stale"])
    await mkdir(join(dir, sub), { recursive: true });
  await writeFile(join(dir, "htdocs/secure/hello.txt"), "hello from secure\n");
  await writeFile(join(dir, "htdocs/stale/hello.txt"), "hello from stale\n");
  const line = (user: string, password: string) =>
    `${user}:${APACHE_REALM}:${createHash("md5").update(`${user}:${APACHE_REALM}:${password}`).digest("hex")}`;
  await writeFile(
    join(dir, "htdigest"),
    `${Object.entries(users)
      .map(([u, p]) => line(u, p))
      .join("\n")}\n`,
  );
  const port = await freePort();
  await writeFile(join(dir, "httpd.conf"), config(dir, port, staleAfterSeconds));

  const child = spawn(APACHE, ["-f", join(dir, "httpd.conf"), "-DFOREGROUND"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    errorLog: () => readFile(join(dir, "logs/error.log"), "utf8"),
    accessLog: () => readFile(join(dir, "logs/access.log"), "utf8"),
    stop,
  };
}
