/**
 * The one registry of backends and their kernels, keyed by (kernel, backend) as in TensorFlow.js.
 *
 * Ops call {@link runKernel} with a kernel name; the registry dispatches to the active backend's
 * implementation. There is no silent fallback: a kernel the active backend lacks is an error that
 * names both.
 *
 * @module
 */

import { type Backend, KERNEL_NAMES, type KernelName, type Kernels } from "./contract.ts";

/** How a backend is made: synchronously (CPU) or after an async setup (a GPU adapter request). */
export type BackendFactory = () => Backend | Promise<Backend>;

interface Registration {
  factory: BackendFactory;
  priority: number;
  needsSetup: boolean;
  kernels: Partial<Kernels>;
  instance?: Backend;
}

/** What {@link setBackend} reports about the backend it switched to. */
export interface BackendReport {
  /** Name of the active backend. */
  readonly name: string;
  /** Kernels the backend does not implement; ops that need them will throw on it. */
  readonly missingKernels: readonly KernelName[];
}

const registrations = new Map<string, Registration>();
let active: { name: string; backend: Backend; kernels: Partial<Kernels> } | undefined;

/** Options of {@link registerBackend}. */
export interface BackendOptions {
  /** Higher wins when no backend was chosen explicitly. Default 0. */
  readonly priority?: number;
  /**
   * The factory is async (it must be awaited through `setBackend`), so the backend is never made
   * implicitly. Default false.
   */
  readonly needsSetup?: boolean;
}

/**
 * Registers a backend under `name`. The highest-priority backend that needs no async setup becomes
 * the default when no backend was chosen.
 */
export function registerBackend(
  name: string,
  factory: BackendFactory,
  options: BackendOptions = {},
): void {
  const existing = registrations.get(name);
  registrations.set(name, {
    factory,
    priority: options.priority ?? 0,
    needsSetup: options.needsSetup ?? false,
    kernels: existing?.kernels ?? {},
  });
}

/** Registers (or replaces) one kernel implementation for a backend. */
export function registerKernel<K extends KernelName>(
  backendName: string,
  kernel: K,
  impl: Kernels[K],
): void {
  const reg = registrations.get(backendName);
  if (!reg) {
    throw new Error(
      `registerKernel: no backend named '${backendName}'; call registerBackend first`,
    );
  }
  reg.kernels[kernel] = impl;
}

/** Registers many kernels of one backend at once. */
export function registerKernels(backendName: string, impls: Partial<Kernels>): void {
  for (const name of Object.keys(impls) as KernelName[]) {
    registerKernel(backendName, name, impls[name] as Kernels[typeof name]);
  }
}

/** Names of all registered backends, highest priority first. */
export function listBackends(): string[] {
  return [...registrations.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
}

/** Kernels a registered backend does not implement. */
export function missingKernels(name: string): KernelName[] {
  const reg = requireRegistration(name);
  return KERNEL_NAMES.filter((k) => reg.kernels[k] === undefined);
}

/**
 * Makes `name` the active backend, creating it on first use. Tensors made on another backend cannot
 * be mixed with tensors made after the switch.
 *
 * @returns which backend is active and which kernels, if any, it lacks.
 */
export async function setBackend(name: string): Promise<BackendReport> {
  const reg = requireRegistration(name);
  reg.instance ??= await reg.factory();
  active = { name, backend: reg.instance, kernels: reg.kernels };
  return { name, missingKernels: missingKernels(name) };
}

/** The active backend, creating the default one if none has been chosen yet. */
export function getBackend(): Backend {
  return (active ??= activateDefault()).backend;
}

/** The name of the active backend. */
export function backendName(): string {
  return (active ??= activateDefault()).name;
}

/**
 * Runs kernel `name` on the active backend.
 *
 * @throws when the active backend does not implement it.
 */
export function runKernel<K extends KernelName>(
  name: K,
  ...args: Parameters<Kernels[K]>
): ReturnType<Kernels[K]> {
  const current = active ??= activateDefault();
  const impl = current.kernels[name] as
    | ((...a: Parameters<Kernels[K]>) => ReturnType<Kernels[K]>)
    | undefined;
  if (!impl) {
    throw new Error(
      `kernel '${name}' is not implemented on backend '${current.name}'; ` +
        `switch with setBackend('cpu') to run it on the CPU`,
    );
  }
  return impl(...args);
}

function requireRegistration(name: string): Registration {
  const reg = registrations.get(name);
  if (!reg) {
    throw new Error(
      `no backend named '${name}'; registered backends: ${listBackends().join(", ") || "none"}`,
    );
  }
  return reg;
}

function activateDefault(): { name: string; backend: Backend; kernels: Partial<Kernels> } {
  for (const name of listBackends()) {
    const reg = registrations.get(name)!;
    if (reg.needsSetup && !reg.instance) continue;
    const made = reg.instance ?? reg.factory();
    if (made instanceof Promise) {
      throw new Error(`backend '${name}' has an async factory; register it with needsSetup: true`);
    }
    reg.instance = made;
    return { name, backend: made, kernels: reg.kernels };
  }
  throw new Error("no backend is registered; import lib/mod.ts, which registers 'cpu'");
}
