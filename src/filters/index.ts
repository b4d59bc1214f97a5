export * from './model';
export { FiltersCodec, FiltersFromString, numberInRange } from './codec';
export { chainTrims, filterSteps, type ChainSettings } from './chain';
export { applyChange, FACTORS, FILTER_PARTS, FilterChange, type EditOutcome, type Factor, type FilterPart, type FilterRefusal } from './edit';
export { describeFilters, refusalText } from './describe';
