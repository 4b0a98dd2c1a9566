import { Errno, type FaasletHost } from '@faasm/abi';
import { O, sysOpen, sysPathOp } from './fsyscalls.js';
import { posixOf } from './state.js';

/**
 * `int memfd_create(const char* name, unsigned flags)`: an anonymous file: created under
 * /tmp (the runtime root's) and unlinked at once, so only the returned fd reaches it.
 * Returns the fd, or -1 and errno (e.g. ENOENT when there is no /tmp).
 */
export function memfdCreate(host: FaasletHost, name: number, _flags: number): number {
  const state = posixOf(host);
  const label = host.memory.cstring(name, 249).replace(/[^A-Za-z0-9_.-]/g, '_');
  const pathText = `/tmp/.memfd-${label}-${Math.floor(Math.random() * 2 ** 32).toString(36)}`;
  const at = state.at(4096);
  host.memory.writeCString(at, pathText);
  const fd = sysOpen(host, at, O.RDWR | O.CREAT | O.EXCL, 0o600);
  if (fd < 0) return state.fail(-fd);
  sysPathOp(host, 'path_unlink_file', at);
  return fd < 0 ? state.fail(Errno.IO) : fd;
}
