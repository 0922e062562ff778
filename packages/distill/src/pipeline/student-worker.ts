/**
 * Worker-thread entry of {@link StudentTaskPool}: runs one student task per message (ONNX
 * Runtime with one intra-op thread, so each worker keeps to one core) and posts the result
 * back; `{ close: true }` releases its sessions and ends it. A task stops early when the
 * pool sets the shared cancel flag.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StudentCalculator } from '@mlff-distiller/models';
import { runStudentTask, type StudentTask } from './student-task.js';

/** A message to a student worker. */
export type StudentWorkerMessage = { id: number; task: StudentTask } | { close: true };
/** A student worker's answer. */
export type StudentWorkerReply = { id: number; result: unknown } | { id: number; error: string };

const port = parentPort!;
const calculators = new Map<string, Promise<StudentCalculator>>();
/** Set to 1 by the pool to cancel the running task (shared memory: seen mid-task). */
const cancel = new Int32Array((workerData as { cancel: SharedArrayBuffer }).cancel);
const shouldStop = () => Atomics.load(cancel, 0) !== 0;

port.on('message', async (message: StudentWorkerMessage) => {
  if ('close' in message) {
    for (const calculator of calculators.values()) await (await calculator).dispose();
    port.close();
    return;
  }
  let reply: StudentWorkerReply;
  try {
    reply = {
      id: message.id,
      result: await runStudentTask(message.task, 1, calculators, shouldStop),
    };
  } catch (e) {
    reply = { id: message.id, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
