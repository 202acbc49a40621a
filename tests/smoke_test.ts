import { assertCloseTf, randomTensor, tf, toTf } from "./helpers/tfjs.ts";
import { matmul } from "../lib/mod.ts";

Deno.test("matmul agrees with tfjs", async () => {
  const a = randomTensor([3, 5], 1), b = randomTensor([5, 4], 2);
  await assertCloseTf(matmul(a, b), tf.matMul(await toTf(a), await toTf(b)));
});
