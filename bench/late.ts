/** A frame later than this after the previous one counts as late (issue #8: two frame periods). */
export const LATE_MS = 40;
