import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { type ContainerStore, demoContainers } from "./containers.js";
import type { PeerStore } from "./peers.js";
import { decodeState, encodeState, mergeKept, type SimulatorState } from "./stateCodec.js";

/**
 * Where the simulator keeps its state across restarts (the local stack's `GATEWAY_DATA_DIR`): one JSON file,
 * replaced whole on every change by writing a temporary file beside it and renaming it over the old one, so a
 * crash mid-write leaves the previous state, never a torn file. Writes are synchronous: a change is on disk
 * before its answer is sent, and they stay in order. Problems are reported on stderr and never fail a
 * request: the simulator then runs on from memory.
 */

/** The file's name inside the data folder (dynalite's LevelDB files beside it ignore it). */
export const STATE_FILE_NAME = "atlas-simulator.json";

/** The state is a few kilobytes (the demo project); anything bigger is refused, read or written. */
export const MAX_STATE_BYTES = 64 * 1024;

let temporaries = 0;

function warn(message: string): void {
  console.warn(`atlas simulator: ${message}`);
}

/** The simulator's state file in one folder. */
export class StateFile {
  readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, STATE_FILE_NAME);
  }

  /**
   * The kept state; undefined when there is none yet, or when the file cannot be used — then it is moved
   * aside to `<file>.unreadable` (kept for a look, not overwritten by the next save) and the demo state is used.
   */
  load(): SimulatorState | undefined {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      return this.#unusable(`cannot be read (${(error as Error).message})`);
    }
    if (size > MAX_STATE_BYTES) return this.#unusable(`is ${size} bytes, over ${MAX_STATE_BYTES}`);
    const state = decodeState(readFileSync(this.path, "utf8"));
    return typeof state === "string" ? this.#unusable(state) : state;
  }

  /** Replaces the file with `state`, atomically (temporary file, fsync, rename). */
  save(state: SimulatorState): void {
    const text = encodeState(state);
    if (Buffer.byteLength(text) > MAX_STATE_BYTES) {
      warn(`state not saved to ${this.path}: over ${MAX_STATE_BYTES} bytes`);
      return;
    }
    const temporary = `${this.path}.${process.pid}.${++temporaries}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const fd = openSync(temporary, "w", 0o600);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.path);
    } catch (error) {
      rmSync(temporary, { force: true });
      warn(`state not saved to ${this.path}: ${(error as Error).message}`);
    }
  }

  #unusable(reason: string): undefined {
    warn(
      `${this.path} ${reason}; starting from the demo state (the file is kept as ${this.path}.unreadable)`,
    );
    try {
      renameSync(this.path, `${this.path}.unreadable`);
    } catch {
      // Nothing to move aside (or no right to): the next save replaces it.
    }
    return undefined;
  }
}

/**
 * Keeps the simulator's state in `dir`: loads what is there into the stores, then saves after every change
 * (and once now, so the file exists before the first change). Undefined without a folder: state in memory.
 */
export function keepState(
  dir: string | undefined,
  peers: PeerStore,
  containers: ContainerStore,
): StateFile | undefined {
  if (dir === undefined) return undefined;
  const file = new StateFile(dir);
  const kept = file.load();
  if (kept !== undefined) {
    peers.restore(kept.peers);
    containers.restore(mergeKept(demoContainers(), kept.containers));
  }
  const save = () => file.save({ peers: peers.snapshot(), containers: containers.snapshot() });
  peers.onChange = save;
  save();
  return file;
}
