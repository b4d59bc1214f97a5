/** The knobs of bench/services.ts, apart so bench/config.ts can hold them without importing the section. */

export interface ServicesConfig {
  /** Guild counts of the cost steps, 0 first (the idle reference). */
  readonly youtubeCounts: readonly number[];
  readonly soundcloudCounts: readonly number[];
  /** Cold plays per kind (each on a freshly started bot), and warm plays per kind. */
  readonly coldPlays: number;
  readonly warmPlays: number;
}

/** 100 YouTube tracks cost hiqty about what 100 file passthroughs do; 25 SoundCloud transcodes are half the machine. */
export const SERVICES_FULL: ServicesConfig = { youtubeCounts: [0, 50, 100], soundcloudCounts: [0, 10, 25], coldPlays: 10, warmPlays: 20 };
export const SERVICES_SMOKE: ServicesConfig = { youtubeCounts: [0, 2], soundcloudCounts: [0, 2], coldPlays: 1, warmPlays: 1 };
