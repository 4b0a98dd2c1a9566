// Worker side of the shared fd table test: attaches to the main thread's table and
// reads, writes and opens through it.
import { parentPort, workerData } from 'node:worker_threads';
import { createHost } from '@faasm/abi';
import { link } from '@faasm/wasi';

const host = createHost();
const memory = new WebAssembly.Memory({ initial: 1 });
host.memory.attach(memory);
const imports = {};
link(imports, host, { stdout: 'capture', table: workerData.table });
const w = imports.wasi_snapshot_preview1;
const v = new DataView(memory.buffer);
const u8 = new Uint8Array(memory.buffer);

v.setUint32(0, 1000, true);
v.setUint32(4, 100, true);
const readErrno = w.fd_read(workerData.fd, 0, 1, 16);
const read = new TextDecoder().decode(u8.subarray(1000, 1000 + v.getUint32(16, true)));
u8.set(new TextEncoder().encode('from worker'), 2000);
v.setUint32(0, 2000, true);
v.setUint32(4, 11, true);
const writeErrno = w.fd_write(workerData.fd, 0, 1, 16);
// Open a file here: the main thread must see the new fd.
const path = new TextEncoder().encode('etc/hosts');
u8.set(path, 3000);
const openErrno = w.path_open(3, 1, 3000, path.length, 0, 2n, 0n, 0, 24);
parentPort.postMessage({ readErrno, read, writeErrno, openErrno, opened: v.getUint32(24, true) });
// Stay alive until told otherwise: Node closes the fds a worker opened when it exits.
parentPort.once('message', () => parentPort.close());
