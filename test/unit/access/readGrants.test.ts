import { describe, expect, it } from "vitest";
import { type Caller, parseCallerRegistry } from "../../../src/access/callers.js";
import { ForbiddenError } from "../../../src/access/errors.js";
import {
  authorizeChange,
  authorizeProjectRead,
  authorizeRead,
  mayChange,
  mayRead,
  scopeIncludes,
} from "../../../src/access/policy.js";
import { GROUP_A, GROUP_B, PEER_1, PEER_2 } from "../../helpers/callers.js";

const PEER_3 = "6a0b1c2d3e4f5a6b7c8d9e11";

function caller(projects: Caller["projects"]): Caller {
  return { id: "c", tokenSha256: [], signingSecrets: [], projects };
}

describe("access on a project grant in the callers registry", () => {
  it('accepts access "read" and "change", and keeps what was given', () => {
    const registry = parseCallerRegistry(
      {
        callers: [
          {
            id: "a",
            projects: [
              { groupId: GROUP_A, access: "read" },
              { groupId: GROUP_B, peerIds: [PEER_1], access: "change" },
              { groupId: "*" },
            ],
          },
        ],
      },
      "test",
    );
    expect(registry.callers[0]?.projects).toEqual([
      { groupId: GROUP_A, access: "read" },
      { groupId: GROUP_B, peerIds: [PEER_1], access: "change" },
      { groupId: "*" },
    ]);
  });

  it("refuses any other access, naming where", () => {
    const bad = { callers: [{ id: "a", projects: [{ groupId: GROUP_A, access: "write" }] }] };
    expect(() => parseCallerRegistry(bad, "test")).toThrow(
      /callers\.0\.projects\.0\.access: must be "read" or "change"/,
    );
  });
});

describe("reads and changes are asked apart", () => {
  it("a grant without access (every registry written before read-only grants) reads and changes", () => {
    const old = caller([{ groupId: GROUP_A }]);
    expect(mayRead(old, GROUP_A, PEER_1)).toBe(true);
    expect(mayChange(old, GROUP_A, PEER_1)).toBe(true);
  });

  it("a read-only grant reads, never changes; the refusal names the rule", () => {
    const viewer = caller([{ groupId: "*", access: "read" }]);
    expect(mayRead(viewer, GROUP_B, PEER_2)).toBe(true);
    expect(mayChange(viewer, GROUP_B, PEER_2)).toBe(false);
    expect(() => authorizeChange(viewer, GROUP_B, PEER_2)).toThrow(ForbiddenError);
    expect(() => authorizeChange(viewer, GROUP_B, PEER_2)).toThrow(
      `Caller c has read-only access to peer ${PEER_2} in project ${GROUP_B} (its grant says access: "read"); ` +
        'changing it needs a grant with access "change".',
    );
  });

  it("grants add up: read the whole project, change one peer of it", () => {
    const mixed = caller([
      { groupId: GROUP_A, access: "read" },
      { groupId: GROUP_A, peerIds: [PEER_1] },
    ]);
    expect(mayChange(mixed, GROUP_A, PEER_1)).toBe(true);
    expect(mayChange(mixed, GROUP_A, PEER_2)).toBe(false);
    expect(mayRead(mixed, GROUP_A, PEER_2)).toBe(true);
    expect(() => authorizeChange(mixed, GROUP_A, PEER_2)).toThrow(/read-only/);
  });

  it("outside every grant, a change is refused as before and a read is refused as a read", () => {
    const narrow = caller([{ groupId: GROUP_A, peerIds: [PEER_1] }]);
    expect(() => authorizeChange(narrow, GROUP_A, PEER_2)).toThrow(
      `Caller c may not change peer ${PEER_2} in project ${GROUP_A}.`,
    );
    expect(() => authorizeRead(narrow, GROUP_A, PEER_2)).toThrow(
      `Caller c may not read peer ${PEER_2} in project ${GROUP_A}.`,
    );
    expect(() => authorizeRead(narrow, GROUP_A, PEER_1)).not.toThrow();
  });
});

describe("the read scope of a project", () => {
  it("is the whole project when one grant for it lists no peers", () => {
    const scope = authorizeProjectRead(
      caller([
        { groupId: GROUP_A, peerIds: [PEER_1] },
        { groupId: "*", access: "read" },
      ]),
      GROUP_A,
    );
    expect(scope).toEqual({ wholeProject: true });
    expect(scopeIncludes(scope, undefined)).toBe(true);
  });

  it("is the peers of every grant for it, and nothing project-wide, when all list peers", () => {
    const scope = authorizeProjectRead(
      caller([
        { groupId: GROUP_A, peerIds: [PEER_1], access: "read" },
        { groupId: GROUP_A, peerIds: [PEER_2] },
        { groupId: GROUP_B, peerIds: [PEER_3] },
      ]),
      GROUP_A,
    );
    expect(scope).toEqual({ wholeProject: false, peerIds: new Set([PEER_1, PEER_2]) });
    expect([PEER_1, PEER_2, PEER_3, undefined].map((p) => scopeIncludes(scope, p))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it("is refused with 403 when no grant is for the project", () => {
    expect(() => authorizeProjectRead(caller([{ groupId: GROUP_B }]), GROUP_A)).toThrow(
      `Caller c may not read project ${GROUP_A}.`,
    );
  });
});
