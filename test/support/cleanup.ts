import { afterAll } from "vitest";

/**
 * Undoing what a suite's beforeAll makes, registered as each thing is made: the suite's afterAll
 * undoes, latest first, whatever was made, also when the setup failed part way (vitest drops the
 * cleanup a failed beforeAll would have returned). Call it where the suite is declared.
 */
export function cleanupAfterAll(): (undo: () => unknown) => void {
  const undos: (() => unknown)[] = [];
  afterAll(async () => {
    for (const undo of undos.reverse()) await undo();
  });
  return (undo) => {
    undos.push(undo);
  };
}
