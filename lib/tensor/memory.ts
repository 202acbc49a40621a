/**
 * Memory scopes: `tidy(fn)` frees every tensor made inside `fn` except what it returns, and the live
 * tensor count lets tests prove that nothing leaks.
 *
 * Tracking works on anything with `dispose()`, so this module does not depend on the Tensor class.
 *
 * @module
 */

/** What a scope can track and free. */
export interface Trackable {
  /** Frees the object's storage. Safe to call twice. */
  dispose(): void;
  /** Whether {@link Trackable.dispose} has run. */
  readonly isDisposed: boolean;
}

const scopes: Set<Trackable>[] = [];
let live = 0;

/** Called by every new tensor: counts it and adds it to the innermost open scope. */
export function track(t: Trackable): void {
  live++;
  scopes.at(-1)?.add(t);
}

/** Called when a tensor is disposed: uncounts it and removes it from its scope. */
export function untrack(t: Trackable): void {
  live--;
  for (const scope of scopes) scope.delete(t);
}

/**
 * Takes a tensor out of every open scope, so no enclosing `tidy` frees it. The caller now owns it and
 * must `dispose()` it. Returns the same tensor.
 */
export function keep<T extends Trackable>(t: T): T {
  for (const scope of scopes) scope.delete(t);
  return t;
}

/** Counts of what is alive right now. */
export interface MemoryInfo {
  /** Tensors made and not yet disposed (views count separately from the storage they share). */
  readonly tensors: number;
  /** Open `tidy` scopes. */
  readonly scopes: number;
}

/** How many tensors are alive and how many scopes are open. */
export function liveTensors(): MemoryInfo {
  return { tensors: live, scopes: scopes.length };
}

/**
 * Runs `fn` and then disposes every tensor created while it ran, except the tensors it returns
 * (directly, or inside arrays and plain objects) and those passed to {@link keep}. Returned tensors
 * move to the enclosing scope, if any.
 *
 * @throws when `fn` is async: a scope cannot span an `await`, because other work may run meanwhile.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Trackable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) {
      // The async body keeps running after we throw; if it later fails, that rejection would
      // surface as an unhandled one and crash the program (or the kernel) on top of this error.
      result.catch(() => {});
      throw new Error(
        "tidy() cannot take an async function: a scope cannot span an await. " +
          "Await outside tidy, or dispose() tensors yourself.",
      );
    }
  } catch (err) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw err;
  }
  scopes.pop();
  const survivors = new Set<Trackable>();
  collect(result, scope, survivors, new Set());
  for (const t of scope) if (!survivors.has(t)) t.dispose();
  const parent = scopes.at(-1);
  if (parent) { for (const t of survivors) if (!t.isDisposed) parent.add(t); }
  return result;
}

/** Finds the tracked objects reachable from a returned value through arrays and plain objects. */
function collect(value: unknown, scope: Set<Trackable>, found: Set<Trackable>, seen: Set<unknown>) {
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  if (scope.has(value as Trackable)) {
    found.add(value as Trackable);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, scope, found, seen);
  } else if (value instanceof Map) {
    for (const v of value.values()) collect(v, scope, found, seen);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, scope, found, seen);
  }
}
