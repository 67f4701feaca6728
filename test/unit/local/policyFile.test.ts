import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPolicyFile } from "../../../local/policyFile.js";
import { LocalStartError } from "../../../local/startErrors.js";
import { optionsFromEnv } from "../../../local/startOptions.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "policy-file-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe("GATEWAY_POLICY_FILE", () => {
  it("is read from the environment", () => {
    expect(optionsFromEnv({ GATEWAY_POLICY_FILE: "/etc/policy.json" }).policyFile).toBe("/etc/policy.json");
    expect(optionsFromEnv({}).policyFile).toBeUndefined();
  });

  it("gives the file's text for the policy secret when it is a valid policy", async () => {
    const text = '{"projects":{"*":{"aws":{"cidrs":["10.0.0.0/8"]}}}}';
    expect(await readPolicyFile(await file("ok.json", text))).toBe(text);
  });

  it("fails the start naming the file and every problem, an unknown key included", async () => {
    const path = await file(
      "typo.json",
      '{"projects":{"*":{"aws":{"cidr":["10.0.0.0/8"]},"allowOverlap":1}}}',
    );
    const error = await readPolicyFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalStartError);
    expect((error as Error).message).toBe(
      `The policy file ${path} (GATEWAY_POLICY_FILE) is not a valid policy: projects.*.allowOverlap: must be true or false; projects.*.aws.cidr: unknown key; known: accountIds, vpcIds, cidrs`,
    );
  });

  it("fails the start on a file that is missing or not JSON", async () => {
    await expect(readPolicyFile(join(dir, "absent.json"))).rejects.toThrow(/cannot be read: ENOENT/);
    await expect(readPolicyFile(await file("bad.json", "{"))).rejects.toThrow(/is not valid JSON/);
  });
});
