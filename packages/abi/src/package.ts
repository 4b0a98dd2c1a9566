import type { FaasletHost } from './host.js';
import { ServiceKey } from './host.js';
import type { ImportObject, Manifest } from './table.js';

/**
 * What every interface package exports. `link` adds the package's handlers to the
 * import object (throwing a LinkError on a clash) and registers the services and
 * lifecycle hooks it owns on the host.
 */
export interface InterfacePackage<O = unknown> {
  readonly manifest: Manifest;
  link(importObject: ImportObject, host: FaasletHost, options?: O): void;
}

/** Per-package state saved with a Faaslet's snapshot and restored on reset. */
export interface LifecycleParticipant {
  readonly name: string;
  /** After instantiation, before constructors run (e.g. the break := memory size). */
  instantiated?(): void;
  /** Before every call (e.g. start capturing stdout). */
  beforeCall?(): void;
  /** After every call, before its result is collected (e.g. write mapped state back). */
  afterCall?(): void;
  /** At snapshot time: returns what `restore` needs. */
  snapshot?(): unknown;
  /** On reset to the snapshot. */
  restore?(saved: unknown): void;
  /**
   * Once, when the Faaslet is discarded (the runtime closing, a pool worker retiring it):
   * release what outlives calls (kept connections, open fds). Not called after a crash.
   */
  dispose?(): void;
}

/** The host's lifecycle hooks, in link order. The runtime drives them. */
export class Lifecycle {
  readonly participants: LifecycleParticipant[] = [];

  register(participant: LifecycleParticipant): void {
    this.participants.push(participant);
  }

  instantiated(): void {
    for (const p of this.participants) p.instantiated?.();
  }

  beforeCall(): void {
    for (const p of this.participants) p.beforeCall?.();
  }

  afterCall(): void {
    for (const p of this.participants) p.afterCall?.();
  }

  snapshot(): Map<string, unknown> {
    const saved = new Map<string, unknown>();
    for (const p of this.participants) if (p.snapshot) saved.set(p.name, p.snapshot());
    return saved;
  }

  restore(saved: Map<string, unknown>): void {
    for (const p of this.participants) if (p.restore) p.restore(saved.get(p.name));
  }

  /**
   * Every participant's dispose, in reverse link order (a package goes before those it
   * was linked after). A failure does not stop the others: the failures are returned,
   * with the participant's name.
   */
  dispose(): Error[] {
    const failures: Error[] = [];
    for (let i = this.participants.length - 1; i >= 0; i--) {
      const p = this.participants[i]!;
      try {
        p.dispose?.();
      } catch (error) {
        failures.push(new Error(`${p.name}: dispose failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      }
    }
    return failures;
  }
}

export const LIFECYCLE = new ServiceKey<Lifecycle>('lifecycle');

/** The host's lifecycle registry, created on first use. */
export function lifecycleOf(host: FaasletHost): Lifecycle {
  let lifecycle = host.services.get(LIFECYCLE);
  if (!lifecycle) {
    lifecycle = new Lifecycle();
    host.services.provide(LIFECYCLE, lifecycle);
  }
  return lifecycle;
}
