/**
 * Selects `webgpu` for the shared op suite in this process. It must be the first import of
 * `all_test.ts`: modules are evaluated in import order, and `tests/helpers/backend.ts` reads the
 * choice when it is evaluated, before any test file that imports it registers its tests.
 *
 * @module
 */

Deno.env.set("FDL_TEST_BACKEND", "webgpu");
