import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { InvalidInputError, traceBegin, traceEnd } from '@mlff-distiller/core';
import type { MolecularDynamics, ObserverFunction } from '@mlff-distiller/md';

/** A call frame of a V8 CPU profile node (line and column 0-based, as V8 reports them). */
export interface CpuProfileCallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** A node of the V8 CPU profile's call tree. */
export interface CpuProfileNode {
  id: number;
  callFrame: CpuProfileCallFrame;
  hitCount?: number;
  children?: number[];
  deoptReason?: string;
  positionTicks?: { line: number; ticks: number }[];
}

/**
 * A V8 CPU profile as the inspector's `Profiler.stop` returns it and Chrome DevTools loads
 * from a `.cpuprofile` file: `startTime`/`endTime` in µs, `samples[i]` the id of the node
 * (leaf frame) on the CPU at sample i, `timeDeltas[i]` µs since the previous sample.
 */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Records a V8 CPU profile of this thread through `node:inspector` (the same sampler as
 * `node --cpu-prof` and DevTools). Start and stop it around the work to profile; sampling
 * costs some percent of speed at the default 200 µs interval.
 */
export class CpuProfileRecorder {
  private session: Session | null = null;

  /** True between {@link start} and {@link stop}. */
  get recording(): boolean {
    return this.session !== null;
  }

  /** Starts sampling every `samplingIntervalUs` µs (default 200; V8's own default is 1000). */
  async start(samplingIntervalUs = 200): Promise<void> {
    if (this.session) throw new Error('the CPU profiler is already recording');
    const session = new Session();
    session.connect();
    try {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', {
        interval: Math.max(1, Math.round(samplingIntervalUs)),
      });
      await session.post('Profiler.start');
    } catch (error) {
      session.disconnect();
      throw error;
    }
    this.session = session;
  }

  /** Stops sampling and returns the profile. */
  async stop(): Promise<CpuProfile> {
    const session = this.session;
    if (!session) throw new Error('the CPU profiler is not recording');
    this.session = null;
    try {
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      return profile as unknown as CpuProfile;
    } finally {
      session.disconnect();
    }
  }
}

/** Options of {@link cpuProfileWindow}. */
export interface CpuProfileWindowOptions {
  /** Start sampling once this many steps are done, counted from `origin` (inclusive; 0 = at once). */
  from: number;
  /** Stop once this many steps are done (exclusive upper end of the window). */
  to: number;
  /** The step count (`md.nSteps`) that counts as step 0 (default the step count at the first call). */
  origin?: number;
  /** Sampling interval in µs (default 200). */
  samplingIntervalUs?: number;
  /** Receives the profile when the window closes. */
  onProfile: (profile: CpuProfile) => void;
}

/**
 * An MD observer (attach with interval 1) that records a CPU profile over steps
 * [from, to) of a run: steps from+1 … to, counted from `origin`. The control calls are
 * traced as the phase `profiler.cpu` (inside `md.observers`) so their cost is visible and
 * kept out of the other phases' self time. Call `flush()` after the run to stop a window
 * the run ended inside.
 */
export function cpuProfileWindow(
  recorder: CpuProfileRecorder,
  options: CpuProfileWindowOptions,
): ObserverFunction & { flush(): Promise<void> } {
  if (!(options.to > options.from) || options.from < 0)
    throw new InvalidInputError(
      `a CPU profile window needs 0 ≤ from < to, got ${options.from}:${options.to}`,
    );
  let origin = options.origin;
  let state: 'before' | 'recording' | 'done' = 'before';
  const stop = async () => {
    state = 'done';
    options.onProfile(await recorder.stop());
  };
  const observer = async (md: MolecularDynamics) => {
    if (origin === undefined) origin = md.nSteps;
    const step = md.nSteps - origin;
    if (state === 'before' && step >= options.from && step < options.to) {
      state = 'recording';
      traceBegin('profiler.cpu');
      try {
        await recorder.start(options.samplingIntervalUs);
      } finally {
        traceEnd('profiler.cpu');
      }
    } else if (state === 'recording' && step >= options.to) {
      traceBegin('profiler.cpu');
      try {
        await stop();
      } finally {
        traceEnd('profiler.cpu');
      }
    }
  };
  return Object.assign(observer, {
    flush: async () => {
      if (state === 'recording') await stop();
    },
  });
}

/** Writes a profile as a `.cpuprofile` file (Chrome DevTools › Performance › Load profile, or speedscope). */
export function writeCpuProfile(path: string, profile: CpuProfile): void {
  writeFileSync(path, JSON.stringify(profile));
}
