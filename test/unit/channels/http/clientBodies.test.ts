import { describe, expect, it } from "vitest";
import { type HttpHandlerDeps, makeHttpHandler } from "../../../../src/lambda/httpHandler.js";
import { clientFixtures } from "../../../fixtures/clients/index.js";
import { GROUP_A, PEER_1, TOKENS } from "../../../helpers/callers.js";
import { fakeChangeDeps } from "../../../helpers/changeDeps.js";
import { apiEvent, lambdaContext } from "../../../helpers/events.js";
import { FakeAtlas, RotatingCredentials } from "../../../helpers/fakes.js";
import { MemoryReplayGuard } from "../../../helpers/memoryAudit.js";

/** Every client body (test/fixtures/clients/) through the drop-in route: none refused, each sent as it came. */
const KEYS = { kind: "apiKey" as const, publicKey: "pubkey01", privateKey: "test-private-key-0001" };

function serve() {
  const peer = JSON.stringify({ id: PEER_1, statusName: "INITIATING" });
  const atlas = new FakeAtlas({ status: 200, body: peer, headers: { "content-type": "application/json" } });
  const fake = fakeChangeDeps({ atlas, credentials: new RotatingCredentials(KEYS) });
  const deps: HttpHandlerDeps = {
    ...fake.deps,
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay: new MemoryReplayGuard(),
    slackSigningSecrets: async () => [],
  };
  return { atlas, handler: makeHttpHandler(deps) };
}

describe("client bodies on the drop-in routes", () => {
  it.each(clientFixtures().map((f) => [f.name, f] as const))(
    "%s reaches Atlas unchanged",
    async (_n, fixture) => {
      for (const version of ["v2", "v1.0"] as const) {
        const { atlas, handler } = serve();
        const body = JSON.stringify(fixture.body);
        const path = `/api/atlas/${version}/groups/${GROUP_A}/peers/${PEER_1}`;
        const headers = {
          authorization: `Bearer ${TOKENS.ci}`,
          "content-type": "application/vnd.atlas.2023-01-01+json",
        };
        const result = await handler(apiEvent({ method: "PATCH", path, headers, body }), lambdaContext);
        expect({ version, status: result.statusCode, answer: result.body }).toMatchObject({
          version,
          status: 200,
        });
        expect(atlas.changeCalls.map((call) => call.body)).toEqual([body]);
      }
    },
  );
});
