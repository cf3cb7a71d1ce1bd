import { parentPort, workerData } from 'node:worker_threads';
import { sendPaced } from './lib.ts';

// bench/lib.ts `paced`: the sender, on a thread of its own.
const result = await sendPaced(workerData.url, workerData);
parentPort!.postMessage(result);
