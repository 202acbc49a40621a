/**
 * Every WebGPU test, in one test module: one isolate, so the process creates one GPU device, not
 * one per file. With a device per parallel test file, llvmpipe occasionally corrupted the heap as
 * the process exited (about one run in eight), after every test had passed.
 *
 * The first part is the shared op suite, the same files the parallel run runs on `cpu`; the second
 * is what only the GPU has (its runtime, device loss, batching, buffer reuse).
 */

import "./suite_on_webgpu.ts";

import "../tensor_test.ts";
import "../autograd_test.ts";
import "../ops_elementwise_test.ts";
import "../ops_matmul_test.ts";
import "../ops_conv_test.ts";
import "../ops_shape_test.ts";
import "../ops_reduce_test.ts";
import "../ops_index_test.ts";
import "../ops_loss_test.ts";
import "../composite_test.ts";

import "./device.ts";
import "./elementwise.ts";
import "./matmul.ts";
import "./conv.ts";
import "./reduce.ts";
import "./pool.ts";
import "./indexing.ts";
import "./optimizer.ts";
import "./training.ts";
import "./notebook.ts";
import "./bench.ts";
