/** The knobs of bench/services.ts, apart so bench/config.ts can hold them without importing the section. */

export interface ServicesConfig {
  /** Guild counts of the cost steps, 0 first (the idle reference). */
  readonly youtubeCounts: readonly number[];
  readonly soundcloudCounts: readonly number[];
  /** Cold plays per kind (each on a freshly started bot), and warm plays per kind. */
  readonly coldPlays: number;
  readonly warmPlays: number;
  /** Timed plays of the 240 s YouTube video from 0 and from 3:00 each (bench/resume-at.ts). */
  readonly resumePlays: number;
}

/**
 * `make bench`: YouTube steps 0/50/100 and SoundCloud 0/10/25 (sections 1 and 2 without their largest step), 10 cold and
 * 20 warm plays per kind; about 5 minutes on 2 cores.
 */
export const SERVICES_FULL: ServicesConfig = { youtubeCounts: [0, 50, 100], soundcloudCounts: [0, 10, 25], coldPlays: 10, warmPlays: 20, resumePlays: 5 };
/** `make test`'s smoke run: N = 2, one cold and one warm play per kind. */
export const SERVICES_SMOKE: ServicesConfig = { youtubeCounts: [0, 2], soundcloudCounts: [0, 2], coldPlays: 1, warmPlays: 1, resumePlays: 1 };
