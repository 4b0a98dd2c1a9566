// A worker that answers every message: the postMessage round-trip peer.
import { parentPort } from 'node:worker_threads';
parentPort.on('message', (m) => parentPort.postMessage(m));
