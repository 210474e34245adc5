// Worker-thread entry: computes ping-run hashes for the seeds it is given and posts them back.
import { parentPort, workerData } from 'node:worker_threads';
import { runPing } from './ping-run.js';

const seeds = workerData as string[];
parentPort?.postMessage(seeds.map((seed) => runPing(seed).hash));
