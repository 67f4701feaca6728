/**
 * The dependency rule of the gateway (README, "The dependency rule"), checked by `npm run lint` on every
 * import, type-only imports included. Layers, inner to outer:
 *
 *   domain  ←  access  ←  ports  ←  usecases  ←  channels/<one>  ←  lambda  ←  wiring  ←  handlers
 *                               ↖  adapters (implement ports)  ↙
 *
 * A layer may import itself and the layers to its left; adapters implement ports and are only ever
 * imported by the wiring; channels never import each other; nothing imports a cycle.
 */
const inner = (...folders) => folders.map((folder) => `^src/${folder}/`);

/** A rule: files under `from` may import nothing in src/ but `allowed` (and their own folder). */
function only(name, from, allowed, comment) {
  return {
    name,
    comment,
    severity: "error",
    from: { path: from },
    to: { path: "^src/", pathNot: [from, ...allowed] },
  };
}

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "An import cycle (type-only imports count): split the shared part into the inner layer.",
      severity: "error",
      from: { path: "^(src|handlers)/" },
      to: { circular: true },
    },
    only("domain-is-pure", "^src/domain/", [], "The domain imports only itself."),
    only("access", "^src/access/", inner("domain"), "Callers, grants and signatures know only the domain."),
    only("ports", "^src/ports/", inner("domain", "access"), "Ports are interfaces over domain types."),
    only("usecases", "^src/usecases/", inner("domain", "access", "ports"), "Use cases talk to ports only."),
    only(
      "observability",
      "^src/observability/",
      inner("domain", "ports"),
      "Logging and audit lines wrap ports, nothing else.",
    ),
    only(
      "adapters",
      "^src/adapters/",
      inner("domain", "access", "ports", "observability"),
      "Adapters implement ports; they never reach into use cases, channels or the wiring.",
    ),
    {
      name: "channels-stay-apart",
      comment:
        "A channel (http, slack, eventbridge) imports no other channel; what channels arriving over HTTP share " +
        "is in channels/common, which imports no channel.",
      severity: "error",
      from: { path: "^src/channels/([^/]+)/" },
      to: { path: "^src/channels/", pathNot: ["^src/channels/$1/", "^src/channels/common/"] },
    },
    only(
      "channels",
      "^src/channels/",
      inner("domain", "access", "ports", "usecases", "observability"),
      "Channels parse, call one use case and render; they never import adapters or the wiring.",
    ),
    only(
      "lambda",
      "^src/lambda/",
      inner("domain", "ports", "usecases", "channels", "observability"),
      "Lambda entry factories adapt an invocation to a channel.",
    ),
    {
      name: "handlers-only-wire",
      comment: "handlers/*.ts only call the composition root.",
      severity: "error",
      from: { path: "^handlers/" },
      to: { path: "^src/", pathNot: "^src/wiring/" },
    },
    {
      name: "no-cloud-sdk-inside",
      comment: "The AWS SDK, undici and Powertools are for adapters, observability and the wiring only.",
      severity: "error",
      from: { path: "^src/(domain|access|ports|usecases|channels|lambda)/" },
      to: {
        dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"],
        path: "node_modules/(@aws-sdk|@smithy|undici|@aws-lambda-powertools|standardwebhooks)/",
      },
    },
    {
      name: "nothing-imports-the-wiring",
      comment: "Only handlers/ import the composition root.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/wiring/" },
      to: { path: "^src/wiring/" },
    },
  ],
  options: {
    includeOnly: "^(src|handlers|node_modules)/",
    tsPreCompilationDeps: true,
    // Keep node_modules/… paths as they are when node_modules is a symlink (worktrees, the lint test).
    preserveSymlinks: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
