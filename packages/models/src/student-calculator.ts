import type { OnnxRuntimeOptions } from '@mlff-distiller/backend-onnx';
import { ModelCalculator, type ModelCalculatorOptions } from '@mlff-distiller/core';
import { loadCheckpoint, type StudentCheckpoint } from './student-checkpoint.js';
import { StudentModel, type StudentModelOptions } from './student-model.js';
import { loadStudentOnnx } from './student-onnx.js';

/** Options of {@link StudentCalculator.load}. */
export interface StudentCalculatorOptions extends StudentModelOptions, ModelCalculatorOptions {
  /** onnxruntime options for `.onnx` files (execution provider, threads). */
  runtime?: OnnxRuntimeOptions;
}

/**
 * A trained student as a Calculator: a drop-in replacement for a teacher's calculator in
 * MD (`new VelocityVerlet(atoms, await StudentCalculator.load('student.json'), …)`).
 * Energy, forces, per-atom energies and stress (periodic cells); atoms of an element the
 * student never saw are refused before any computation.
 */
export class StudentCalculator extends ModelCalculator {
  declare readonly model: StudentModel;

  /**
   * Loads a student checkpoint (`.json`, any graph backend: `options.backend`, default ONNX
   * Runtime on CPU) or a student ONNX file (`.onnx`, ONNX Runtime).
   */
  static async load(
    path: string,
    options: StudentCalculatorOptions = {},
  ): Promise<StudentCalculator> {
    const model = path.toLowerCase().endsWith('.onnx')
      ? await loadStudentOnnx(path, options.runtime)
      : await StudentModel.fromCheckpoint(await loadCheckpoint(path), { source: path, ...options });
    return new StudentCalculator(model, options);
  }

  /** A calculator for a checkpoint already in memory. */
  static async fromCheckpoint(
    checkpoint: StudentCheckpoint,
    options: StudentCalculatorOptions = {},
  ): Promise<StudentCalculator> {
    return new StudentCalculator(await StudentModel.fromCheckpoint(checkpoint, options), options);
  }
}
