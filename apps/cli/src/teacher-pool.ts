import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type Calculator, type CalculatorPool, calculatorPool } from '@mlff-distiller/core';
import { CALCULATORS, createCalculator, STUDENT_FILE } from './calculators.js';
import { UsageError } from './cli-error.js';
import { choiceOption, keyValueNumbers, numberOption } from './options.js';

/** Command-line options shared by every command that uses a teacher (`sample`, `label`). */
export const TEACHER_OPTIONS = {
  teacher: { type: 'string' },
  workers: { type: 'string' },
  param: { type: 'string', multiple: true },
  method: { type: 'string' },
  charge: { type: 'string' },
  uhf: { type: 'string' },
  accuracy: { type: 'string' },
  etemp: { type: 'string' },
  'max-iter': { type: 'string' },
  solvent: { type: 'string' },
  'solvent-model': { type: 'string' },
  bridge: { type: 'string' },
  'bridge-options': { type: 'string' },
  python: { type: 'string' },
  wait: { type: 'string' },
} as const;

export const TEACHER_HELP = `Teacher:
  --teacher SPEC           who labels the structures (required):
                             xtb              GFN2-xTB in process through libxtb (Debian libxtb6)
                             xtb-program      the xtb program (Debian xtb), one process per worker
                             ipi://HOST:PORT  an i-PI server; external clients (ASE, i-PI drivers,
                                              LAMMPS, the bundled Python bridge) connect to it
                             ipi+unix://NAME  the same on a UNIX socket (/tmp/ipi_NAME or a path)
                             FILE.onnx        an ONNX teacher model (docs/teacher-models.md)
                             DIR/model.json   a tfjs graph-model teacher (same contract)
                             ${Object.keys(CALCULATORS).join(', ')}          reference potentials (with --param)
  --workers N              teacher workers side by side (default 1; xtb-program: processes;
                           i-PI with --bridge: bridge clients started; i-PI: clients to wait for)
  --param key=value        parameter of lj / morse (repeatable)
  --method gfn2|gfn1|gfnff xtb method (default gfn2)
  --charge Q               xtb total charge in e (default 0; a structure's info "charge" wins)
  --uhf N                  xtb unpaired electrons (default: 0 or 1 by the electron count;
                           a structure's info "uhf" wins)
  --accuracy A             xtb accuracy (default 1)
  --etemp K                xtb electronic temperature (default 300 K)
  --max-iter N             xtb SCF iterations (default 250)
  --solvent NAME           xtb implicit solvent, e.g. water
  --solvent-model alpb|gbsa  (default gbsa for xtb: libxtb 6.5 has no ALPB; alpb for xtb-program)
  --bridge MODULE:NAME     with ipi: start the Python bridge running this ASE calculator,
                           e.g. ase.calculators.emt:EMT
  --bridge-options JSON    keyword arguments of that calculator
  --python PATH            Python for the bridge (default $MLFFD_PYTHON or python3)
  --wait S                 seconds to wait for i-PI clients (default 60)`;

/** What the teacher is for: driving MD (sampling) or labeling independent structures. */
export type TeacherPurpose = 'md' | 'label';

/** A teacher ready to use, and how to let it go. */
export interface TeacherPool {
  pool: CalculatorPool;
  /** One line for the log: what the teacher is. */
  description: string;
  close(): Promise<void>;
}

const XTB_METHODS = ['gfn2', 'gfn1', 'gfnff'] as const;
const XTB_METHOD_NAMES = { gfn2: 'GFN2-xTB', gfn1: 'GFN1-xTB', gfnff: 'GFN-FF' } as const;

/**
 * Builds the teacher named by `--teacher` with its options. Each backend is imported on
 * demand, so a missing program or library only matters when asked for; its error names
 * what is missing and how to install it.
 */
export async function createTeacherPool(
  values: Record<string, unknown>,
  purpose: TeacherPurpose,
): Promise<TeacherPool> {
  const spec = values.teacher as string | undefined;
  if (!spec) throw new UsageError(`--teacher is required\n${TEACHER_HELP}`);
  const workers = numberOption(values, 'workers', { min: 1, integer: true, max: 256 }) ?? 1;
  const params = keyValueNumbers(values.param as string[] | undefined, 'param');
  if (spec === 'xtb' || spec === 'xtb-program') return xtbTeacher(spec, values, workers, purpose);
  if (spec.startsWith('ipi://') || spec.startsWith('ipi+unix://'))
    return ipiTeacher(spec, values, workers);
  if (/\.onnx$/i.test(spec) && !(await isStudentOnnx(spec))) {
    const { loadOnnxTeacher } = await import('@mlff-distiller/backend-onnx');
    return local(await times(workers, () => loadOnnxTeacher(spec)), `ONNX teacher ${spec}`);
  }
  if (/model\.json$/i.test(spec)) {
    const { loadTfjsTeacher } = await import('@mlff-distiller/backend-tfjs');
    return local(await times(workers, () => loadTfjsTeacher(spec)), `tfjs teacher ${spec}`);
  }
  if (spec in CALCULATORS || STUDENT_FILE.test(spec)) {
    return local(await times(workers, () => createCalculator(spec, params)), spec);
  }
  throw new UsageError(
    `unknown teacher "${spec}"; use xtb, xtb-program, ipi://HOST:PORT, ipi+unix://NAME, a .onnx or tfjs model.json teacher, ${Object.keys(CALCULATORS).join(', ')}`,
  );
}

/** Student exports are ONNX too; their metadata says so, and they load as students. */
async function isStudentOnnx(path: string): Promise<boolean> {
  if (!existsSync(path)) throw new UsageError(`--teacher ${path}: file not found`);
  const { readOnnxMetadata } = await import('@mlff-distiller/backend-onnx');
  try {
    return readOnnxMetadata(await readFile(path)).metadata.format === 'mlff-distiller/student-onnx';
  } catch {
    return false; // not decodable here: the teacher loader says what is wrong with it
  }
}

/** `count` calculators, made one after the other. */
async function times(count: number, make: () => Promise<Calculator>): Promise<Calculator[]> {
  const out: Calculator[] = [];
  for (let k = 0; k < count; k++) out.push(await make());
  return out;
}

function local(calculators: Calculator[], description: string): TeacherPool {
  const pool = calculatorPool(calculators);
  return {
    pool,
    description: calculators.length > 1 ? `${description} ×${calculators.length}` : description,
    close: async () => {
      await pool.dispose?.();
    },
  };
}

async function xtbTeacher(
  spec: 'xtb' | 'xtb-program',
  values: Record<string, unknown>,
  workers: number,
  purpose: TeacherPurpose,
): Promise<TeacherPool> {
  if (spec === 'xtb' && workers > 1) {
    throw new UsageError(
      'libxtb computes on the calling thread, so in-process workers would take turns; for parallel xtb use --teacher xtb-program --workers N',
    );
  }
  const xtb = await import('@mlff-distiller/backend-xtb');
  const method = XTB_METHOD_NAMES[choiceOption(values, 'method', XTB_METHODS, 'gfn2')];
  const solvent = values.solvent as string | undefined;
  const options = {
    method,
    charge: numberOption(values, 'charge', { integer: true }) ?? 0,
    uhf: numberOption(values, 'uhf', { min: 0, integer: true }),
    accuracy: numberOption(values, 'accuracy', { min: 1e-4, max: 1e3 }) ?? 1,
    electronicTemperature: numberOption(values, 'etemp', { min: 0, exclusiveMin: true }) ?? 300,
    maxIterations: numberOption(values, 'max-iter', { min: 1, integer: true }) ?? 250,
    ...(solvent
      ? {
          solvent: {
            // libxtb 6.5's C API builds GBSA only; the program has both.
            model: choiceOption(
              values,
              'solvent-model',
              ['alpb', 'gbsa'] as const,
              spec === 'xtb' ? 'gbsa' : 'alpb',
            ),
            name: solvent,
          },
        }
      : {}),
  };
  // Labels must not depend on the order of the structures (resumed jobs write the same
  // dataset): there every SCF starts from xtb's guess. MD restarts from the last step's.
  const restart = purpose === 'md';
  const mode = spec === 'xtb' ? 'library' : 'program';
  const calculators = await times(workers, () =>
    xtb.createXtbCalculator({ ...options, mode, restart, threads: 1 }),
  );
  return local(calculators, `${method} (${spec === 'xtb' ? 'libxtb in process' : 'xtb program'})`);
}

async function ipiTeacher(
  spec: string,
  values: Record<string, unknown>,
  workers: number,
): Promise<TeacherPool> {
  const { IpiServer, ipiBridgeArgs, shellCommand } = await import('@mlff-distiller/backend-ipi');
  const wait = numberOption(values, 'wait', { min: 0 }) ?? 60;
  const bridge = values.bridge as string | undefined;
  const bridgeOptions = parseJsonObject(values['bridge-options'], 'bridge-options');
  // Checked before the server starts, so a missing Python is one line and no open socket.
  const python = bridge ? findPython(values.python as string | undefined) : null;
  const server = await IpiServer.listen({ ...parseIpiAddress(spec), clientWaitMs: wait * 1000 });
  const bridges: ChildProcess[] = [];
  const close = async () => {
    await server.close();
    for (const child of bridges) child.kill();
  };
  try {
    if (bridge && python) {
      const args = ipiBridgeArgs({
        calculator: bridge,
        address: server.address,
        ...(bridgeOptions ? { options: bridgeOptions } : {}),
      });
      for (let k = 0; k < workers; k++) bridges.push(startBridge(python, args, bridge));
      console.error(
        `mlffd: i-PI server on ${server.name}; started ${workers} bridge client(s) running ${bridge}`,
      );
    } else {
      const example = shellCommand(
        findPython(values.python as string | undefined, false),
        ipiBridgeArgs({ calculator: 'ase.calculators.emt:EMT', address: server.address }),
      );
      console.error(
        `mlffd: i-PI server on ${server.name}; waiting up to ${wait} s for ${workers} client(s), e.g.\n  ${example}`,
      );
    }
    await server.waitForClients(workers, wait * 1000);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    pool: server,
    description: `i-PI ${server.name} (${server.concurrency} client(s)${bridge ? `, ${bridge}` : ''})`,
    close,
  };
}

/** Starts one bridge process; its last error line is printed if it dies. */
function startBridge(python: string, args: string[], calculator: string): ChildProcess {
  const child = spawn(python, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.on('exit', (code) => {
    if (code) {
      const last = stderr.trim().split('\n').at(-1) ?? '';
      console.error(`mlffd: the i-PI bridge (${calculator}) exited with code ${code}: ${last}`);
    }
  });
  return child;
}

function parseJsonObject(raw: unknown, option: string): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(String(raw));
  } catch {
    throw new UsageError(
      `--${option} takes a JSON object, e.g. '{"asap_cutoff": true}'; got ${raw}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--${option} takes a JSON object, got ${raw}`);
  }
  return value as Record<string, unknown>;
}

/** `ipi://host:port` → TCP; `ipi+unix://name` → a UNIX socket (ASE's /tmp/ipi_NAME or a path). */
export function parseIpiAddress(
  spec: string,
): { host: string; port: number } | { unixSocket: string } {
  if (spec.startsWith('ipi+unix://')) {
    const name = spec.slice('ipi+unix://'.length);
    if (!name)
      throw new UsageError('ipi+unix:// needs a socket name or path, e.g. ipi+unix://mlffd');
    return { unixSocket: name };
  }
  const m = /^ipi:\/\/([^:/]+|\[[^\]]+\]):(\d+)$/.exec(spec);
  if (!m)
    throw new UsageError(`--teacher ${spec}: expected ipi://HOST:PORT, e.g. ipi://127.0.0.1:31415`);
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`--teacher ${spec}: port ${port} is above 65535`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * A Python that imports ASE: `--python`, else $MLFFD_PYTHON, else the first of `python3` and
 * Debian's /usr/bin/python3 that has ASE. A clear error when none has it; without `check`,
 * only the name to print in a hint.
 */
function findPython(explicit: string | undefined, check = true): string {
  const candidates = explicit
    ? [explicit]
    : process.env.MLFFD_PYTHON
      ? [process.env.MLFFD_PYTHON]
      : ['python3', '/usr/bin/python3'];
  if (!check) return candidates[0]!;
  const problems: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import ase'], { encoding: 'utf8' });
    if (!r.error && r.status === 0) return python;
    problems.push(r.error ? `"${python}" was not found` : `${python} cannot import ase`);
  }
  throw new UsageError(
    `the i-PI bridge needs Python with ASE: ${problems.join('; ')} (apt-get install python3-ase, or pip install ase, or pass --python PATH)`,
  );
}
