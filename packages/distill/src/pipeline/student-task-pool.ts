import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { StudentCalculator } from '@mlff-distiller/models';
import { runStudentTask, type StudentTask, type StudentTaskResult } from './student-task.js';
import type { StudentWorkerMessage, StudentWorkerReply } from './student-worker.js';

/**
 * Starts a student worker: `student-worker.js` next to the built bundle, or, running from
 * source (tests, `--conditions=source`), the TypeScript source through tsx's scoped loader
 * (tsx's `--import` hooks do not reach worker threads on Node 20).
 */
function startWorker(cancel: SharedArrayBuffer): Worker {
  const workerData = { cancel };
  const built = new URL('./student-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built, { workerData });
  const source = new URL('./student-worker.ts', import.meta.url).href;
  const execArgv = process.execArgv.includes('source')
    ? process.execArgv
    : [...process.execArgv, '--conditions=source'];
  const code = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}));`;
  return new Worker(code, { eval: true, execArgv, workerData });
}

interface Pending {
  id: number;
  task: StudentTask;
  onStart: (() => void) | undefined;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  busy?: Pending;
  exited: Promise<void>;
}

/**
 * Runs student tasks (training, NVE validation) on `size` worker threads, first come first
 * served, each with ONNX Runtime on one intra-op thread: on these small graphs one session
 * per core does ~1.5× the work of one session spread over two cores. With `size` ≤ 1 the
 * tasks run one after the other in this thread (training with ONNX Runtime's default
 * threads). A task that fails rejects with the worker's error message.
 */
export class StudentTaskPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly calculators = new Map<string, Promise<StudentCalculator>>();
  private inThread: Promise<unknown> = Promise.resolve();
  private nextId = 0;
  private closed = false;
  /** Shared with the workers: 1 cancels the running tasks at their next step. */
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly shouldStop = () => Atomics.load(this.cancelFlag, 0) !== 0;

  constructor(readonly size: number) {}

  /** Runs `task` when a worker is free; `onStart` is called when it starts. */
  run<T extends StudentTask>(task: T, onStart?: () => void): Promise<StudentTaskResult<T>> {
    if (this.closed) return Promise.reject(new Error('the student task pool is closed'));
    if (this.size <= 1) {
      const threads = task.kind === 'train' ? undefined : 1;
      const result = this.inThread.then(() => {
        onStart?.();
        return runStudentTask(task, threads, this.calculators, this.shouldStop);
      });
      this.inThread = result.catch(() => undefined);
      return result as Promise<StudentTaskResult<T>>;
    }
    return new Promise((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        task,
        onStart,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.addSlot();
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.busy = pending;
      pending.onStart?.();
      slot.worker.postMessage({
        id: pending.id,
        task: pending.task,
      } satisfies StudentWorkerMessage);
    }
  }

  private addSlot(): Slot {
    const worker = startWorker(this.cancelFlag.buffer as SharedArrayBuffer);
    let exited!: () => void;
    const slot: Slot = { worker, exited: new Promise((r) => (exited = r)) };
    const fail = (error: Error) => {
      slot.busy?.reject(error);
      slot.busy = undefined;
    };
    worker.on('message', (reply: StudentWorkerReply) => {
      const pending = slot.busy!;
      slot.busy = undefined;
      if ('error' in reply) pending.reject(new Error(reply.error));
      else pending.resolve(reply.result);
      if (this.closed) worker.postMessage({ close: true } satisfies StudentWorkerMessage);
      else this.dispatch();
    });
    worker.on('error', (e) => fail(new Error(`student worker failed: ${e.message}`)));
    worker.on('exit', (code) => {
      this.slots.splice(this.slots.indexOf(slot), 1);
      if (code !== 0) {
        // A worker that died (or could not start) fails its task and everything waiting,
        // rather than being replaced by one that may die the same way.
        const error = new Error(`student worker stopped with exit code ${code}`);
        fail(error);
        this.closed = true;
        for (const pending of this.queue.splice(0)) pending.reject(error);
      }
      exited();
    });
    this.slots.push(slot);
    return slot;
  }

  /**
   * Lets the workers go: idle ones at once, busy ones when their task ends (a worker cannot
   * be stopped inside an ONNX Runtime call without taking the process with it). With
   * `cancel`, running tasks stop at their next training or MD step and reject. Tasks still
   * waiting are rejected. Resolves when every worker has exited.
   */
  async close(cancel = false): Promise<void> {
    this.closed = true;
    if (cancel) Atomics.store(this.cancelFlag, 0, 1);
    for (const pending of this.queue.splice(0)) {
      pending.reject(new Error('the student task pool was closed'));
    }
    for (const slot of this.slots) {
      if (!slot.busy) slot.worker.postMessage({ close: true } satisfies StudentWorkerMessage);
    }
    await Promise.all(this.slots.map((s) => s.exited));
    await this.inThread;
    for (const calculator of this.calculators.values()) await (await calculator).dispose();
    this.calculators.clear();
  }
}
