import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** LAMMPS `lj/cut` NVE run of fcc argon, timed by LAMMPS's own loop timer. */
export interface LammpsLjRun {
  /** The `lmp` executable, or null when LAMMPS is not installed. */
  executable: string | null;
  loopSeconds: number;
  steps: number;
  atoms: number;
  neighborBuilds: number;
  usPerAtomStep: number;
  version: string;
}

/** Finds `lmp` (Debian's lammps package) on PATH. */
export function findLammps(): string | null {
  for (const exe of ['lmp', 'lmp_serial', 'lmp_mpi']) {
    const r = spawnSync(exe, ['-h'], { encoding: 'utf8' });
    if (r.status === 0) return exe;
  }
  return null;
}

/**
 * Runs LAMMPS single-threaded on the same system as the project's benchmark: fcc argon,
 * `repeat`³ cells of a Å, lj/cut with the energy shifted to zero at rc, skin and
 * rebuild-on-demand like our Verlet list, velocities at `temperature` K, `steps` of
 * `dtFs` fs. Returns null when LAMMPS is not installed.
 */
export function runLammpsLj(opts: {
  repeat: number;
  a: number;
  epsilon: number;
  sigma: number;
  rc: number;
  skin: number;
  temperature: number;
  steps: number;
  dtFs: number;
}): LammpsLjRun | null {
  const exe = findLammps();
  if (!exe) return null;
  const dir = mkdtempSync(join(tmpdir(), 'mlffd-lammps-'));
  try {
    const input = `units metal
atom_style atomic
lattice fcc ${opts.a}
region box block 0 ${opts.repeat} 0 ${opts.repeat} 0 ${opts.repeat}
create_box 1 box
create_atoms 1 box
mass 1 39.948
pair_style lj/cut ${opts.rc}
pair_coeff 1 1 ${opts.epsilon} ${opts.sigma}
pair_modify shift yes
velocity all create ${opts.temperature} 4928459 mom yes rot no dist gaussian
neighbor ${opts.skin} bin
neigh_modify every 1 delay 0 check yes
fix 1 all nve
timestep ${opts.dtFs / 1000}
thermo ${opts.steps}
run ${opts.steps}
`;
    writeFileSync(join(dir, 'in.lj'), input);
    const r = spawnSync(exe, ['-in', 'in.lj', '-log', 'none'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    if (r.status !== 0) throw new Error(`LAMMPS failed: ${r.stderr || r.stdout}`);
    const loop = /Loop time of ([\d.eE+-]+) on (\d+) procs for (\d+) steps with (\d+) atoms/.exec(
      r.stdout,
    );
    if (!loop) throw new Error(`could not read LAMMPS's loop time from:\n${r.stdout}`);
    const builds = /Neighbor list builds = (\d+)/.exec(r.stdout);
    const version = /LAMMPS \(([^)]+)\)/.exec(r.stdout)?.[1] ?? 'unknown';
    const loopSeconds = Number(loop[1]);
    const steps = Number(loop[3]);
    const atoms = Number(loop[4]);
    return {
      executable: exe,
      loopSeconds,
      steps,
      atoms,
      neighborBuilds: builds ? Number(builds[1]) : Number.NaN,
      usPerAtomStep: (1e6 * loopSeconds) / (steps * atoms),
      version,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
