// A clock the bench controls, loaded into a packaged function's environment with NODE_OPTIONS=--import (plain
// JavaScript: it runs on a bare `node`, before the runner and the handler, and touches neither). An invocation
// whose event carries `__benchNow` (epoch ms) runs at that time: `Date.now()` and `new Date()` return it plus the
// real time elapsed since the invocation arrived, until the next such invocation. The field is removed before
// the handler sees the event (the runner's listener gets the same message object, after this one). Timers,
// `performance.now()` and the stand-ins keep real time. An invocation without the field leaves the clock as it is.
const RealDate = Date;
let offsetMs = 0;

function BenchDate(...args) {
  if (!new.target) return new RealDate(RealDate.now() + offsetMs).toString();
  return args.length === 0 ? new RealDate(RealDate.now() + offsetMs) : new RealDate(...args);
}
BenchDate.prototype = RealDate.prototype;
BenchDate.now = () => RealDate.now() + offsetMs;
BenchDate.parse = RealDate.parse;
BenchDate.UTC = RealDate.UTC;
globalThis.Date = BenchDate;

process.on("message", (message) => {
  const event = message?.type === "invoke" ? message.event : undefined;
  if (event === null || typeof event !== "object" || !("__benchNow" in event)) return;
  offsetMs = Number(event.__benchNow) - RealDate.now();
  delete event.__benchNow;
});
