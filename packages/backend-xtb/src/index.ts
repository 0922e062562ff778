export {
  type CreateXtbCalculatorOptions,
  createXtbCalculator,
  type XtbMode,
} from './create-xtb-calculator.js';
export { findExecutable } from './find-executable.js';
export { strainDerivativeByFiniteDifferences } from './finite-difference-stress.js';
export { type XtbPeriodicity, xtbPeriodicity } from './periodicity.js';
export {
  registerXtbCalculators,
  XTB_BACKEND_NAMES,
  type XtbAnyCalculatorOptions,
  type XtbCalculatorFactory,
} from './register.js';
export { type StructureCharge, structureCharge } from './structure-charge.js';
export { formatTurbomoleCoord } from './turbomole-coord.js';
export { parseTurbomoleGradient, type TurbomoleGradient } from './turbomole-gradient.js';
export { resolveUnpairedElectrons } from './unpaired-electrons.js';
export {
  type XtbAvailability,
  type XtbLibraryAvailability,
  type XtbProgramAvailability,
  xtbAvailability,
} from './xtb-availability.js';
export {
  XtbCalculator,
  type XtbCalculatorOptions,
  type XtbStressMethod,
} from './xtb-calculator.js';
export { StressNeedsBulkError, XtbError, XtbUnavailableError } from './xtb-error.js';
export {
  defaultXtbLibraryNames,
  type XtbCalculatorHandle,
  XtbLibrary,
  type XtbLibraryOptions,
  type XtbMoleculeHandle,
  type XtbResultsHandle,
} from './xtb-library.js';
export { XTB_METHODS, type XtbMethod, type XtbMethodInfo, xtbMethodInfo } from './xtb-method.js';
export {
  type ResolvedXtbOptions,
  resolveXtbOptions,
  XTB_DEFAULTS,
  type XtbOptions,
  type XtbSolvent,
  xtbSettingsRecord,
} from './xtb-options.js';
export { findXtbParameterFile, xtbParameterDirectories } from './xtb-parameter-file.js';
export {
  resolveXtbProgram,
  runXtbProgram,
  type XtbProgramOptions,
  xtbProgramArguments,
} from './xtb-program.js';
export {
  XtbProgramCalculator,
  type XtbProgramCalculatorOptions,
} from './xtb-program-calculator.js';
export { XtbSession, type XtbSessionSetup } from './xtb-session.js';
export {
  angstromToBohr,
  forcesFromGradient,
  hartreeToEv,
  stressFromStrainDerivative,
} from './xtb-units.js';
