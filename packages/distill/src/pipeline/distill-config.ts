import type { ConfigSchema } from './config-schema.js';

/** The student presets a run can train (PaiNN sizes of `@mlff-distiller/models`). */
export const STUDENT_PRESETS = ['original', 'tiny', 'ultra-tiny'] as const;

/** Everything `mlffd distill` does, with units; see {@link DISTILL_CONFIG_SCHEMA} for defaults. */
export interface DistillConfig {
  run_dir: string;
  workers: number;
  teacher: string;
  structures: string;
  sampling: {
    temperatures: number[];
    steps: number;
    timestep: number;
    stride: number;
    max_frames: number;
    rattle: number;
    seed: number;
  };
  labeling: { workers: number };
  split: { validation: number; test: number; seed: number };
  students: (typeof STUDENT_PRESETS)[number][];
  training: {
    steps: Record<(typeof STUDENT_PRESETS)[number], number>;
    batch_size: number;
    learning_rate: number;
    force_weight: number;
    energy_weight: number;
    force_loss: 'squared' | 'huber';
    huber_delta: number;
    seed: number;
  };
  validation: {
    nve_time: number;
    timestep: number;
    temperature: number;
    max_bond_change: number;
    max_temperature: number;
    seed: number;
  };
  benchmark: { steps: number };
}

/** The schema of `mlffd distill`'s configuration file: every setting, its default and meaning. */
export const DISTILL_CONFIG_SCHEMA: ConfigSchema = {
  run_dir: {
    kind: 'string',
    default: 'runs/distill',
    doc: 'Run directory: every stage writes here, and a rerun continues where it stopped.',
  },
  workers: {
    kind: 'number',
    default: 2,
    min: 1,
    integer: true,
    doc: 'Worker threads, one core each: students train and validate side by side\n(1: one after the other in this thread).',
  },
  teacher: {
    kind: 'string',
    default: 'embedded',
    doc: 'embedded (recorded GFN2-xTB labels shipped with mlffd), xtb, xtb-program,\nipi://HOST:PORT, ipi+unix://NAME, or a teacher model (model.onnx, dir/model.json).',
  },
  structures: {
    kind: 'string',
    default: 'embedded',
    doc: 'Start structures for sampling (extxyz), or embedded: water, methane, ethanol, alanine dipeptide.',
  },
  sampling: {
    kind: 'section',
    doc: 'Teacher MD and rattle-and-relax (not used with the embedded teacher: its samples are recorded).',
    settings: {
      temperatures: {
        kind: 'numbers',
        default: [300, 600],
        min: 0,
        exclusiveMin: true,
        doc: 'Langevin bath temperatures, K.',
      },
      steps: {
        kind: 'number',
        default: 10000,
        min: 10,
        integer: true,
        doc: 'Production MD steps per start structure and temperature.',
      },
      timestep: {
        kind: 'number',
        default: 0.5,
        min: 0,
        exclusiveMin: true,
        max: 5,
        doc: 'MD time step, fs.',
      },
      stride: {
        kind: 'number',
        default: 10,
        min: 1,
        integer: true,
        doc: 'Steps between candidate frames (thinned further by their correlation).',
      },
      max_frames: {
        kind: 'number',
        default: 200,
        min: 1,
        integer: true,
        doc: 'At most this many frames per trajectory.',
      },
      rattle: {
        kind: 'number',
        default: 100,
        min: 0,
        integer: true,
        doc: 'Rattle-and-relax structures per start structure.',
      },
      seed: { kind: 'number', default: 2026, min: 0, integer: true, doc: 'Seed of the sampling.' },
    },
  },
  labeling: {
    kind: 'section',
    doc: 'Labeling with the teacher.',
    settings: {
      workers: {
        kind: 'number',
        default: 1,
        min: 1,
        integer: true,
        doc: 'Teacher workers side by side (xtb-program processes, i-PI clients to wait for).',
      },
    },
  },
  split: {
    kind: 'section',
    doc: 'Held-out structures (fractions of the labelled set).',
    settings: {
      validation: {
        kind: 'number',
        default: 0.1,
        min: 0,
        exclusiveMin: true,
        max: 0.5,
        doc: 'Fraction for validation (early stopping, best checkpoint).',
      },
      test: {
        kind: 'number',
        default: 0.1,
        min: 0,
        exclusiveMin: true,
        max: 0.5,
        doc: 'Fraction for the final test (reported errors).',
      },
      seed: { kind: 'number', default: 1, min: 0, integer: true, doc: 'Seed of the split.' },
    },
  },
  students: {
    kind: 'choices',
    values: STUDENT_PRESETS,
    default: [...STUDENT_PRESETS],
    doc: 'Students to train (PaiNN presets).',
  },
  training: {
    kind: 'section',
    doc: 'Training of every student.',
    settings: {
      steps: {
        kind: 'section',
        doc: 'Optimizer steps per student, rounded to whole epochs (the largest learns slowest);\nthe run time follows the steps, whatever the size of the dataset.',
        settings: {
          original: {
            kind: 'number',
            default: 4500,
            min: 1,
            integer: true,
            doc: 'Steps of original.',
          },
          tiny: { kind: 'number', default: 1500, min: 1, integer: true, doc: 'Steps of tiny.' },
          'ultra-tiny': {
            kind: 'number',
            default: 1500,
            min: 1,
            integer: true,
            doc: 'Steps of ultra-tiny.',
          },
        },
      },
      batch_size: {
        kind: 'number',
        default: 16,
        min: 1,
        integer: true,
        doc: 'Structures per step.',
      },
      learning_rate: {
        kind: 'number',
        default: 0.005,
        min: 0,
        exclusiveMin: true,
        max: 1,
        doc: 'Peak learning rate (AdamW, warm-up then cosine).',
      },
      force_weight: {
        kind: 'number',
        default: 10,
        min: 0,
        doc: 'Weight of the force term of the loss.',
      },
      energy_weight: {
        kind: 'number',
        default: 1,
        min: 0,
        doc: 'Weight of the energy-per-atom term of the loss.',
      },
      force_loss: {
        kind: 'choice',
        values: ['squared', 'huber'],
        default: 'squared',
        doc: 'Force term: squared error, or pseudo-Huber (squared below huber_delta, linear above:\nlarge errors, as on rattled structures, weigh less).',
      },
      huber_delta: {
        kind: 'number',
        default: 0.01,
        min: 0,
        exclusiveMin: true,
        doc: 'Where the pseudo-Huber force loss turns from squared to linear, eV/Å.',
      },
      seed: {
        kind: 'number',
        default: 1,
        min: 0,
        integer: true,
        doc: 'Seed of initial weights and batch order.',
      },
    },
  },
  validation: {
    kind: 'section',
    doc: 'NVE validation of every student on every start structure.',
    settings: {
      nve_time: { kind: 'number', default: 10, min: 0, exclusiveMin: true, doc: 'NVE length, ps.' },
      timestep: {
        kind: 'number',
        default: 0.5,
        min: 0,
        exclusiveMin: true,
        max: 5,
        doc: 'NVE time step, fs.',
      },
      temperature: {
        kind: 'number',
        default: 300,
        min: 0,
        exclusiveMin: true,
        doc: 'Initial Maxwell-Boltzmann temperature, K.',
      },
      max_bond_change: {
        kind: 'number',
        default: 0.5,
        min: 0,
        exclusiveMin: true,
        doc: 'Stability: no bond may leave its mean length by more than this, Å.',
      },
      max_temperature: {
        kind: 'number',
        default: 3000,
        min: 0,
        exclusiveMin: true,
        doc: 'Stability: the temperature must stay below this, K.',
      },
      seed: {
        kind: 'number',
        default: 7,
        min: 0,
        integer: true,
        doc: 'Seed of the initial velocities.',
      },
    },
  },
  benchmark: {
    kind: 'section',
    doc: 'Speed of students and teacher in MD.',
    settings: {
      steps: {
        kind: 'number',
        default: 300,
        min: 10,
        integer: true,
        doc: 'Timed MD steps per student and structure.',
      },
    },
  },
};
