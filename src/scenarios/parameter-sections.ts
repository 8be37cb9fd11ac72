/** Every numeric parameter section of a scenario, by its key: what docs/SIMULATOR.md lists. */
import { clusterParameters, imageParameters } from '../drivers/sim/parameters.js';
import { horizonParameters } from './horizon.js';

export const parameterSections = {
  cluster: clusterParameters,
  image: imageParameters,
  horizon: horizonParameters,
} as const;
