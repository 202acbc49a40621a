/**
 * Every WebGPU test, in one test module: one isolate, so the process creates one GPU device, not
 * one per file. With a device per parallel test file, llvmpipe occasionally corrupted the heap as
 * the process exited (about one run in eight), after every test had passed.
 */

import "./device.ts";
import "./elementwise.ts";
import "./matmul.ts";
import "./conv.ts";
import "./reduce.ts";
import "./pool.ts";
import "./indexing.ts";
import "./optimizer.ts";
import "./training.ts";
