/**
 * What `promise` rejected with, when it is a `type`; fails (throws) when the promise resolved or
 * rejected with anything else. For tests that go on to look at the error's fields.
 */
export async function rejectionOf<T>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
): Promise<T> {
  try {
    await promise;
  } catch (reason) {
    if (reason instanceof type) return reason;
    throw new Error(`expected a rejection with a ${type.name}, got ${String(reason)}`, {
      cause: reason,
    });
  }
  throw new Error(`expected a rejection with a ${type.name}, but the promise resolved`);
}
