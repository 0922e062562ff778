import { type Calculator, createBackendRegistry, LennardJones, Morse } from '@mlff-distiller/core';
import { UsageError } from './cli-error.js';

/** A calculator the CLI can build by name, with documented numeric parameters. */
export interface CalculatorRecipe {
  description: string;
  /** Parameter defaults; the user overrides them with `--param key=value`. */
  defaults: Record<string, number>;
  create(params: Record<string, number>): Calculator;
}

/**
 * Reference calculators available by name. `lj` defaults to argon (ε = 0.0104 eV,
 * σ = 3.405 Å, rc = 8.5 Å ≈ 2.5σ) rather than ASE's reduced units, since structures are in Å.
 */
export const CALCULATORS: Record<string, CalculatorRecipe> = {
  lj: {
    description:
      "Lennard-Jones as ASE's LennardJones (energy shifted to zero at rc); argon defaults",
    defaults: { epsilon: 0.0104, sigma: 3.405, rc: 8.5, skin: 0.3 },
    create: (p) => new LennardJones(p),
  },
  morse: {
    description: "Morse as ASE's MorsePotential",
    defaults: { epsilon: 1.0, rho0: 6.0, r0: 1.0, rcut1: 1.9, rcut2: 2.7, skin: 0.3 },
    create: (p) => new Morse(p),
  },
};

/** A `--calculator` value naming a trained student: a checkpoint (.json) or an exported model (.onnx). */
export const STUDENT_FILE = /\.(json|onnx)$/i;

/**
 * Builds a calculator by name with parameter overrides, or loads a trained student when the
 * name is a `.json` checkpoint or `.onnx` file (ONNX Runtime, CPU). Unknown names and
 * parameters are usage errors; a bad student file is reported by the loader in one line.
 */
export async function createCalculator(
  name: string,
  overrides: Record<string, number>,
): Promise<Calculator> {
  if (STUDENT_FILE.test(name)) {
    if (Object.keys(overrides).length > 0) {
      throw new UsageError(`a student model (${name}) takes no --param`);
    }
    // Loaded on demand: onnxruntime starts only when a student is used.
    const { StudentCalculator } = await import('@mlff-distiller/models');
    return StudentCalculator.load(name);
  }
  const registry = createBackendRegistry<CalculatorRecipe>('calculator');
  for (const [n, recipe] of Object.entries(CALCULATORS)) registry.register(n, () => recipe);
  if (!registry.has(name)) {
    throw new UsageError(`unknown calculator "${name}"; available: ${registry.names().join(', ')}`);
  }
  const recipe = await registry.get(name);
  for (const key of Object.keys(overrides)) {
    if (!(key in recipe.defaults)) {
      throw new UsageError(
        `calculator ${name} has no parameter "${key}"; it takes: ${Object.keys(recipe.defaults).join(', ')}`,
      );
    }
  }
  return recipe.create({ ...recipe.defaults, ...overrides });
}
