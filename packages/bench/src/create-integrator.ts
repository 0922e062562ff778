import { type Atoms, type Calculator, InvalidInputError } from '@mlff-distiller/core';
import {
  Bussi,
  Langevin,
  type MolecularDynamics,
  NoseHooverChain,
  StochasticCellRescaling,
  VelocityVerlet,
} from '@mlff-distiller/md';
import type { BenchmarkProtocol } from './benchmark-result.js';

/** Thermostats a benchmark's NVT protocol can use. */
export type BenchmarkThermostat = 'bussi' | 'langevin' | 'nose-hoover';

/** What {@link createIntegrator} needs. */
export interface IntegratorSettings {
  protocol: BenchmarkProtocol;
  /** Time step in fs. */
  timestepFs: number;
  /** Bath temperature in K (NVT, NPT). */
  temperatureK: number;
  /** Target pressure in GPa (NPT). */
  pressureGPa: number;
  /** NVT thermostat (default bussi, which tracks a conserved energy). */
  thermostat?: BenchmarkThermostat;
  /** Seed of stochastic integrators. */
  seed?: number;
}

/**
 * The integrator of a protocol: velocity Verlet (NVE); Bussi (τ = 100·Δt), Langevin
 * (γ = 0.01 /fs) or a Nosé–Hoover chain (τ = 100·Δt) for NVT; stochastic cell rescaling
 * (τT = 100·Δt, τP = 1000·Δt, β = 0.5 /GPa, isotropic) for NPT, which needs stress and a
 * fully periodic cell. Returns the integrator and the thermostat's name (null for NVE).
 */
export function createIntegrator(
  atoms: Atoms,
  calculator: Calculator,
  s: IntegratorSettings,
): { md: MolecularDynamics; thermostat: string | null } {
  const base = { timestep: s.timestepFs };
  const temperature = s.temperatureK;
  if (s.protocol === 'nve')
    return { md: new VelocityVerlet(atoms, calculator, base), thermostat: null };
  if (s.protocol === 'npt') {
    if (!atoms.pbc.every(Boolean))
      throw new InvalidInputError('an npt benchmark needs a fully periodic cell');
    if (!calculator.implementedProperties.includes('stress'))
      throw new InvalidInputError(
        `an npt benchmark needs stress, which ${calculator.name} does not compute`,
      );
    const md = new StochasticCellRescaling(atoms, calculator, {
      ...base,
      temperature,
      pressure: s.pressureGPa,
      compressibility: 0.5,
      taup: 1000 * s.timestepFs,
      taut: 100 * s.timestepFs,
      seed: s.seed,
    });
    return { md, thermostat: 'csvr+scr' };
  }
  const thermostat = s.thermostat ?? 'bussi';
  switch (thermostat) {
    case 'bussi':
      return {
        md: new Bussi(atoms, calculator, {
          ...base,
          temperature,
          taut: 100 * s.timestepFs,
          seed: s.seed,
        }),
        thermostat,
      };
    case 'langevin':
      return {
        md: new Langevin(atoms, calculator, { ...base, temperature, friction: 0.01, seed: s.seed }),
        thermostat,
      };
    case 'nose-hoover':
      return {
        md: new NoseHooverChain(atoms, calculator, {
          ...base,
          temperature,
          tdamp: 100 * s.timestepFs,
        }),
        thermostat,
      };
  }
}
