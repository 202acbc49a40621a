import { assertCloseTf, randomTensor, tf, toTf } from "./helpers/tfjs.ts";
import { matmul } from "../lib/mod.ts";

Deno.test("matmul agrees with tfjs", () => {
  const a = randomTensor([3, 5], 1), b = randomTensor([5, 4], 2);
  assertCloseTf(matmul(a, b), tf.matMul(toTf(a), toTf(b)));
});
