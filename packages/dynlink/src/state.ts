import type { FaasletHost, ImportObject } from '@faasm/abi';
import { lifecycleOf, ServiceKey } from '@faasm/abi';
import { DynamicLinker } from './linker.js';

export const DYNAMIC_LINKER = new ServiceKey<DynamicLinker>('@faasm/dynlink/linker');

/** Creates the host's linker (at link time: it resolves side modules against `importObject`). */
export function provideLinker(host: FaasletHost, importObject: ImportObject): DynamicLinker {
  const linker = new DynamicLinker(host, importObject);
  host.services.provide(DYNAMIC_LINKER, linker);
  lifecycleOf(host).register({
    name: '@faasm/dynlink',
    snapshot: () => linker.snapshot(),
    restore: (saved) => linker.restore(saved as ReturnType<DynamicLinker['snapshot']> | undefined),
  });
  return linker;
}

export function linkerOf(host: FaasletHost): DynamicLinker {
  return host.services.require(DYNAMIC_LINKER);
}
