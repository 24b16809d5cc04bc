// What a promise the tests expect to fail rejected with.

import assert from "node:assert/strict";

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection, got success");
}
